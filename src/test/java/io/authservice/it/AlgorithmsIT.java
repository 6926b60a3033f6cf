package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each signing algorithm: tokens verify with Nimbus from the JWKS alone, and on protected paths.
 *
 * <p>The four services, each on its own database, start together before the first test: their
 * starts overlap instead of following one another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlgorithmsIT {

    private static final String[] ALGORITHMS = {"RS256", "PS256", "ES256", "EdDSA"};

    private final Map<String, String> databases = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();

    static String[] algorithms() {
        return ALGORITHMS.clone();
    }

    @BeforeAll
    void startAll() throws Exception {
        for (String algorithm : ALGORITHMS) {
            String database = Service.createDatabase();
            databases.put(algorithm, database);
            services.put(
                    algorithm, Service.start(database, Map.of("AUTH_KEYS_ALGORITHM", algorithm)));
        }
    }

    @AfterAll
    void stopAll() throws Exception {
        for (String algorithm : ALGORITHMS) {
            Service service = services.get(algorithm);
            if (service != null) {
                service.close();
            }
            String database = databases.get(algorithm);
            if (database != null) {
                Service.dropDatabase(database);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void tokensVerifyFromTheJwksAlone(String algorithm) throws Exception {
        Service service = services.get(algorithm);
        service.awaitReady();
        String token = service.adminToken();

        assertEquals(algorithm, SignedJWT.parse(token).getHeader().getAlgorithm().getName());
        JWKSet jwks = JWKSet.parse(service.get("/.well-known/jwks.json", null).body());
        assertEquals(algorithm, jwks.getKeys().get(0).getAlgorithm().getName());
        assertEquals(
                Service.ADMIN,
                Jose.verify(token, jwks, algorithm).getStringClaim("preferred_username"));
        assertEquals(200, service.get("/users/me", token).statusCode());
        assertTrue(
                service.get("/.well-known/openid-configuration", null)
                        .body()
                        .contains(
                                "\"id_token_signing_alg_values_supported\":[\""
                                        + algorithm
                                        + "\"]"));
    }
}
