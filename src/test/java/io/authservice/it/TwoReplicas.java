package io.authservice.it;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Two packaged replicas started together on one new database; closing stops both and drops it.
 *
 * <p>Tests that leave both replicas running take the pair of the whole run as a parameter
 * ({@code @ExtendWith(TwoReplicas.Shared.class)}): it starts at first use, with {@link #SHARED},
 * and stops when the run ends; each test keeps to its own users and clients. Tests that kill a
 * replica start their own.
 */
final class TwoReplicas implements AutoCloseable {

    /**
     * The key lifecycle sped up: a next key is published 4 s before it signs, JWKS max-age 1 s,
     * replicas reload every second, access tokens live 6 s.
     */
    static final Map<String, String> FAST =
            Map.of(
                    "AUTH_KEYS_JWKS_MAX_AGE", "PT1S",
                    "AUTH_KEYS_PUBLISH_LEAD_TIME", "PT4S",
                    "AUTH_KEYS_REFRESH_INTERVAL", "PT1S",
                    "AUTH_KEYS_RETIRE_LEEWAY", "PT1S",
                    "AUTH_TOKENS_ACCESS_TOKEN_LIFESPAN", "PT6S",
                    "AUTH_TOKENS_CLOCK_SKEW", "PT0S");

    /**
     * {@link #FAST}, and for ClientAssertionReplayIT: failed client authentications are not
     * throttled (every replay there is one, from one address), and a statement may take 5 s (a slow
     * statement on a loaded machine would answer 503, which says nothing about replays).
     */
    static final Map<String, String> SHARED = shared();

    private static Map<String, String> shared() {
        Map<String, String> env = new java.util.HashMap<>(FAST);
        env.put("AUTH_LOGIN_MAX_FAILURES", "1000");
        env.put("AUTH_DATABASE_TIMEOUT", "PT5S");
        return Map.copyOf(env);
    }

    final String database;
    final Service a;
    final Service b;

    private TwoReplicas(String database, Service a, Service b) {
        this.database = database;
        this.a = a;
        this.b = b;
    }

    /** Both started at once on an empty database: they race to create the first key. */
    static TwoReplicas start(Map<String, String> env) throws Exception {
        String database = Service.createDatabase();
        Service a = Service.start(database, env);
        Service b = Service.start(database, env);
        TwoReplicas replicas = new TwoReplicas(database, a, b);
        try {
            a.awaitReady();
            b.awaitReady();
        } catch (Exception | AssertionError e) {
            replicas.close();
            throw e;
        }
        return replicas;
    }

    @Override
    public void close() throws Exception {
        try {
            a.close();
        } finally {
            try {
                b.close();
            } finally {
                Service.dropDatabase(database);
            }
        }
    }

    /** Resolves a {@link TwoReplicas} parameter with the pair shared by the whole run. */
    static final class Shared implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TwoReplicas.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // The root context's store closes it (AutoCloseable) when the run ends.
            return context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(TwoReplicas.class))
                    .computeIfAbsent(
                            "fast",
                            key -> {
                                try {
                                    return start(SHARED);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            TwoReplicas.class);
        }
    }
}
