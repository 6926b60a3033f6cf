package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each signing algorithm: tokens verify with Nimbus from the JWKS alone, and on protected paths.
 */
class AlgorithmsIT {

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void tokensVerifyFromTheJwksAlone(String algorithm) throws Exception {
        String database = Service.createDatabase();
        try (Service service = Service.start(database, Map.of("AUTH_KEYS_ALGORITHM", algorithm))) {
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
        } finally {
            Service.dropDatabase(database);
        }
    }
}
