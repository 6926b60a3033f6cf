package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code auth.registration.*}, {@code auth.bootstrap-admin.*}, {@code auth.admin-recheck-interval}:
 * accounts.
 */
@ConfigMapping(prefix = "auth")
public interface UsersConfig {
    /**
     * How long this replica may trust that a token's administrator is still an enabled
     * administrator before it reads the user again; changes made on this replica count at once.
     */
    @WithDefault("PT2S")
    Duration adminRecheckInterval();

    Registration registration();

    BootstrapAdmin bootstrapAdmin();

    interface Registration {
        @WithDefault("true")
        boolean enabled();
    }

    interface BootstrapAdmin {
        Optional<String> username();

        Optional<String> password();
    }
}
