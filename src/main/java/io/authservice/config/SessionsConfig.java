package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The {@code auth.tokens.*} of sessions: their refresh tokens' lifetimes, the retry window, group
 * commit and the purge.
 */
@ConfigMapping(prefix = "auth.tokens")
public interface SessionsConfig {

    @WithDefault("P1D")
    Duration refreshIdleLifetime();

    @WithDefault("P30D")
    Duration refreshAbsoluteLifetime();

    /**
     * How long after a refresh token was spent the same client may present it again and get the
     * same successor (its answer was lost); {@code PT0S} makes every second presentation reuse.
     */
    @WithDefault("PT10S")
    Duration refreshRetryWindow();

    /** Concurrent refreshes written by one statement and one commit (one WAL flush). */
    GroupCommit groupCommit();

    interface GroupCommit {
        /** The most refreshes one statement spends; 1 writes every refresh by itself. */
        @WithDefault("64")
        int maxSize();

        /**
         * How long a batch waits for company when none is in flight; PT0S sends at once (those
         * arriving while a batch is in flight still share the next one).
         */
        @WithDefault("PT0S")
        Duration maxWait();
    }

    /** How often ended sessions, old login failures and expired client assertions are deleted. */
    @WithDefault("PT1H")
    Duration purgeInterval();
}
