package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code auth.login.*}: the login throttle and known devices. */
@ConfigMapping(prefix = "auth.login")
public interface LoginConfig {
    /**
     * Consecutive failures of one username from one client address before that address is locked
     * out; beyond it attempts on the username from unknown addresses are delayed.
     */
    @WithDefault("5")
    int maxFailures();

    /** The first lockout; each further failure doubles it, up to {@code throttle-max}. */
    @WithDefault("PT1S")
    Duration throttleBase();

    @WithDefault("PT15M")
    Duration throttleMax();

    /**
     * The longest wait that strangers' failures on a username impose on each stranger's attempt.
     */
    @WithDefault("PT2S")
    Duration accountDelayMax();

    /**
     * Consecutive failures of one username from strangers (NIST SP 800-63B-4: at most 100) after
     * which strangers get 429 for {@code account-limit-window}; known devices never do.
     */
    @WithDefault("100")
    int maxAccountFailures();

    /**
     * How long the account limit holds, and how long a quiet count of strangers' failures lasts.
     */
    @WithDefault("PT15M")
    Duration accountLimitWindow();

    /** How long a device token, and an address a login succeeded from, keep a device known. */
    @WithDefault("P30D")
    Duration knownDeviceLifetime();
}
