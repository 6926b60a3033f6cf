package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code auth.public-client-id}, {@code auth.clients.*} and {@code auth.cors.*}: registered
 * clients.
 */
@ConfigMapping(prefix = "auth")
public interface ClientsConfig {
    /** The first-party public client that the password grant is for. */
    @WithDefault("web")
    String publicClientId();

    Clients clients();

    Cors cors();

    interface Clients {
        /** How long a client's previous secret keeps working after a new one was made. */
        @WithDefault("P1D")
        Duration secretOverlap();

        /**
         * How long a replica may authenticate a client from its last reading of the client's row
         * (changes on the same replica count at once); {@code PT0S} reads it for every request.
         */
        @WithDefault("PT2S")
        Duration cacheTtl();
    }

    /** CORS for browser frontends on the contract's browser paths (api/http/Cors). */
    interface Cors {
        /**
         * Origins ({@code scheme://host[:port]}) that get CORS answers besides every public
         * client's {@code allowed_cors_origins}; none by default.
         */
        Optional<List<String>> origins();

        /**
         * How often each replica reloads the registered clients' origins (changes made on it count
         * at once).
         */
        @WithDefault("PT5S")
        Duration refreshInterval();
    }
}
