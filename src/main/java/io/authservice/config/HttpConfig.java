package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code auth.trusted-proxies}, {@code auth.rate-limit.*}, {@code auth.http.*}: the guards in front
 * of the API.
 */
@ConfigMapping(prefix = "auth")
public interface HttpConfig {
    /**
     * Proxies (IP addresses or CIDR ranges) whose {@code X-Forwarded-For} names the client; none by
     * default, so the socket's peer is the client.
     */
    Optional<List<String>> trustedProxies();

    RateLimit rateLimit();

    Http http();

    /**
     * Per client source, on {@code POST /oauth2/token}, {@code /users} and {@code
     * /users/me/password}.
     */
    interface RateLimit {
        /** Sustained requests per second per address; 0 turns the limit off. */
        @WithDefault("20")
        double requestsPerSecond();

        /** Requests an idle address may send at once. */
        @WithDefault("100")
        int burst();

        /**
         * How long a refused request waits for its 429, so that a flood costs little; 0 answers at
         * once.
         */
        @WithDefault("PT1S")
        Duration refusalDelay();

        /** A budget of its own for {@code POST /oauth2/revoke} and {@code /oauth2/introspect}. */
        RevokeIntrospect revokeIntrospect();

        interface RevokeIntrospect {
            /** Sustained requests per second per source; 0 turns the limit off. */
            @WithDefault("100")
            double requestsPerSecond();

            /** Requests an idle source may send at once. */
            @WithDefault("200")
            int burst();
        }
    }

    /** Slow clients (web/ConnectionGuard). */
    interface Http {
        /**
         * The longest a request may take to arrive whole (headers and body); then 408 and the
         * connection closes.
         */
        @WithDefault("PT10S")
        Duration requestTimeout();

        /**
         * Connections one source may hold at once (a trusted proxy is not a source); 0 turns the
         * cap off.
         */
        @WithDefault("256")
        int connectionsPerSource();
    }
}
