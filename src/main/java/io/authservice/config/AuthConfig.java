package io.authservice.config;

import io.authservice.platform.db.Database;
import io.authservice.platform.db.GroupCommit;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code auth.*} option of the service; the README documents each one. */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

    /** The absolute issuer URL: {@code iss} of every token and {@code issuer} of the metadata. */
    String issuer();

    /** The first-party public client that the password grant is for. */
    @WithDefault("web")
    String publicClientId();

    /**
     * Proxies (IP addresses or CIDR ranges) whose {@code X-Forwarded-For} names the client; none by
     * default, so the socket's peer is the client.
     */
    Optional<List<String>> trustedProxies();

    /**
     * How long this replica may trust that a token's administrator is still an enabled
     * administrator before it reads the user again; changes made on this replica count at once.
     */
    @WithDefault("PT2S")
    Duration adminRecheckInterval();

    Registration registration();

    BootstrapAdmin bootstrapAdmin();

    Tokens tokens();

    Keys keys();

    Passwords passwords();

    Login login();

    RateLimit rateLimit();

    Http http();

    Database database();

    Crypto crypto();

    Clients clients();

    Cors cors();

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

    interface Clients {
        /** How long a client's previous secret keeps working after a new one was made. */
        @WithDefault("P1D")
        java.time.Duration secretOverlap();

        /**
         * How long a replica may authenticate a client from its last reading of the client's row
         * (changes on the same replica count at once); {@code PT0S} reads it for every request.
         */
        @WithDefault("PT2S")
        java.time.Duration cacheTtl();
    }

    interface Crypto {
        /**
         * Whether AWS-LC (the Amazon Corretto Crypto Provider, first JCA provider) and libargon2
         * are used where they load; {@code false} keeps the JDK's providers and Bouncy Castle's
         * Argon2id, as the native executable always does. Hashes and signatures are the same either
         * way.
         */
        @WithDefault("true")
        boolean nativeLibraries();
    }

    interface Registration {
        @WithDefault("true")
        boolean enabled();
    }

    interface BootstrapAdmin {
        Optional<String> username();

        Optional<String> password();
    }

    interface Tokens {
        @WithDefault("PT5M")
        Duration accessTokenLifespan();

        /** The JWS {@code typ} header of access tokens: {@code JWT} or {@code at+jwt}. */
        @WithDefault("JWT")
        String accessTokenTyp();

        @WithDefault("api")
        List<String> audience();

        @WithDefault("openid,profile,email")
        List<String> scopes();

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

        /** How often ended sessions and old login failures are deleted. */
        @WithDefault("PT1H")
        Duration purgeInterval();

        /** Clock skew tolerated when verifying {@code exp} and {@code iat}. */
        @WithDefault("PT30S")
        Duration clockSkew();
    }

    interface Keys {
        /** Algorithm of new keys: RS256, PS256, ES256 or EdDSA. */
        @WithDefault("RS256")
        String algorithm();

        /**
         * Where keys come from: {@code database} (generated, rotated automatically) or {@code
         * files}.
         */
        @WithDefault("database")
        String source();

        /** With {@code source=files}: the directory of key files (a mounted Secret). */
        Optional<String> filesDir();

        /** Base64 of 32 random bytes; private signing keys are sealed with it (AES-256-GCM). */
        String encryptionKey();

        /**
         * Earlier KEKs, still accepted for opening keys until they are re-sealed under the current
         * one.
         */
        Optional<List<String>> previousEncryptionKeys();

        @WithDefault("PT5M")
        Duration jwksMaxAge();

        /** How long a key signs before the next one takes over. */
        @WithDefault("P30D")
        Duration rotationPeriod();

        /** How long a next key is published before it signs; at least {@code jwks-max-age}. */
        @WithDefault("PT1H")
        Duration publishLeadTime();

        /** Extra time a retired key stays published after the last token it signed has expired. */
        @WithDefault("PT5M")
        Duration retireLeeway();

        /** How often each replica reloads the keys and checks whether a transition is due. */
        @WithDefault("PT10S")
        Duration refreshInterval();
    }

    interface Passwords {
        @WithDefault("19456")
        int argon2MemoryKib();

        @WithDefault("2")
        int argon2Iterations();

        @WithDefault("1")
        int argon2Parallelism();

        /**
         * Threads that hash passwords; each Argon2id hash holds one of them for tens of ms. Twice
         * the cores of the manifests' replica: one source has at most half of them, which then
         * still keeps every core busy.
         */
        @WithDefault("4")
        int hashingThreads();

        /** Hash jobs that may wait for a thread; beyond that requests get 429. */
        @WithDefault("64")
        int hashingQueue();

        /**
         * Hash jobs one source may have admitted at once, most of them waiting their turn in its
         * own line (which costs the others nothing); beyond that it gets 429.
         */
        @WithDefault("32")
        int hashingPerAddress();
    }

    interface Login {
        /**
         * Consecutive failures of one username from one client address before that address is
         * locked out; beyond it attempts on the username from unknown addresses are delayed.
         */
        @WithDefault("5")
        int maxFailures();

        /** The first lockout; each further failure doubles it, up to {@code throttle-max}. */
        @WithDefault("PT1S")
        Duration throttleBase();

        @WithDefault("PT15M")
        Duration throttleMax();

        /**
         * The longest wait that strangers' failures on a username impose on each stranger's
         * attempt.
         */
        @WithDefault("PT2S")
        Duration accountDelayMax();

        /**
         * Consecutive failures of one username from strangers (NIST SP 800-63B-4: at most 100)
         * after which strangers get 429 for {@code account-limit-window}; known devices never do.
         */
        @WithDefault("100")
        int maxAccountFailures();

        /**
         * How long the account limit holds, and how long a quiet count of strangers' failures
         * lasts.
         */
        @WithDefault("PT15M")
        Duration accountLimitWindow();

        /** How long a device token, and an address a login succeeded from, keep a device known. */
        @WithDefault("P30D")
        Duration knownDeviceLifetime();
    }

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

    interface Database {
        /**
         * The longest a request waits for the database (connect, acquire, its statements); then
         * 503.
         */
        @WithDefault("PT1.5S")
        Duration timeout();

        /**
         * A request that waits this long for (the rest of) its answer closes its connection (a
         * database that stopped answering).
         */
        @WithDefault("PT5S")
        Duration stallTimeout();
    }
}
