package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys from files (a mounted Secret), and rotation of the key-encryption key. */
class KeySourcesIT {

    @Test
    void signsWithTheActiveKeyFromFiles() throws Exception {
        Path dir = Files.createTempDirectory("keys");
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Files.writeString(
                dir.resolve("from-secret-1.active.pem"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        generator.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Files.writeString(
                dir.resolve("from-secret-2.next.pem"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        generator.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        String database = Service.createDatabase();
        try (Service service =
                Service.start(
                        database,
                        Map.of(
                                "AUTH_KEYS_SOURCE",
                                "files",
                                "AUTH_KEYS_FILES_DIR",
                                dir.toString()))) {
            service.awaitReady();
            JWKSet jwks = JWKSet.parse(service.get("/.well-known/jwks.json", null).body());
            assertEquals(2, jwks.getKeys().size());
            assertEquals("from-secret-1", jwks.getKeys().get(0).getKeyID());
            String token = service.adminToken();
            assertEquals("from-secret-1", Jose.kid(token));
            Jose.verify(token, jwks, "RS256");

            String rotate = service.post("/admin/keys/rotate", null, "", token).body();
            assertTrue(rotate.contains("keys_managed_by_files"), rotate);
        } finally {
            Service.dropDatabase(database);
        }
    }

    @Test
    void keysSealedUnderAnEarlierKekAreSealedAgainUnderTheNewOne() throws Exception {
        String database = Service.createDatabase();
        String oldKek = Service.Base64Kek.random();
        String newKek = Service.Base64Kek.random();
        try {
            String kid;
            try (Service first =
                    Service.start(database, Map.of("AUTH_KEYS_ENCRYPTION_KEY", oldKek))) {
                first.awaitReady();
                kid = Jose.kid(first.adminToken());
            }
            try (Service rotated =
                    Service.start(
                            database,
                            Map.of(
                                    "AUTH_KEYS_ENCRYPTION_KEY",
                                    newKek,
                                    "AUTH_KEYS_PREVIOUS_ENCRYPTION_KEYS",
                                    oldKek))) {
                rotated.awaitReady();
                assertEquals(kid, Jose.kid(rotated.adminToken()));
                assertTrue(
                        rotated.log().contains("sealed again under the current KEK"),
                        rotated.log());
            }
            // The earlier KEK is no longer needed: the same key opens under the new one alone.
            try (Service after =
                    Service.start(database, Map.of("AUTH_KEYS_ENCRYPTION_KEY", newKek))) {
                after.awaitReady();
                assertEquals(kid, Jose.kid(after.adminToken()));
            }
        } finally {
            Service.dropDatabase(database);
        }
    }
}
