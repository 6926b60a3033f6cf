package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Keys from files (a mounted Secret), and rotation of the key-encryption key.
 *
 * <p>The service that reads its keys from files and the first service of the KEK rotation start
 * together before the first test, each on its own database: their starts overlap instead of
 * following one another. The later starts of the rotation follow the first, as a rollout's do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeySourcesIT {

    private final String oldKek = Service.Base64Kek.random();
    private String filesDatabase;
    private String kekDatabase;
    private Service fromFiles;
    private Service first;

    @BeforeAll
    void startBoth() throws Exception {
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
        filesDatabase = Service.createDatabase();
        fromFiles =
                Service.start(
                        filesDatabase,
                        Map.of("AUTH_KEYS_SOURCE", "files", "AUTH_KEYS_FILES_DIR", dir.toString()));
        kekDatabase = Service.createDatabase();
        first = Service.start(kekDatabase, Map.of("AUTH_KEYS_ENCRYPTION_KEY", oldKek));
    }

    @AfterAll
    void stopBoth() throws Exception {
        try {
            try {
                if (fromFiles != null) {
                    fromFiles.close();
                }
            } finally {
                if (first != null) {
                    first.close();
                }
            }
        } finally {
            if (filesDatabase != null) {
                Service.dropDatabase(filesDatabase);
            }
            if (kekDatabase != null) {
                Service.dropDatabase(kekDatabase);
            }
        }
    }

    @Test
    void signsWithTheActiveKeyFromFiles() throws Exception {
        Service service = fromFiles;
        service.awaitReady();
        JWKSet jwks = JWKSet.parse(service.get("/.well-known/jwks.json", null).body());
        assertEquals(2, jwks.getKeys().size());
        assertEquals("from-secret-1", jwks.getKeys().get(0).getKeyID());
        String token = service.adminToken();
        assertEquals("from-secret-1", Jose.kid(token));
        Jose.verify(token, jwks, "RS256");

        String rotate = service.post("/admin/keys/rotate", null, "", token).body();
        assertTrue(rotate.contains("keys_managed_by_files"), rotate);
    }

    @Test
    void keysSealedUnderAnEarlierKekAreSealedAgainUnderTheNewOne() throws Exception {
        String newKek = Service.Base64Kek.random();
        String kid;
        Service service = first;
        first = null; // stopped here, before the next start on its database
        try (service) {
            service.awaitReady();
            kid = Jose.kid(service.adminToken());
        }
        try (Service rotated =
                Service.start(
                        kekDatabase,
                        Map.of(
                                "AUTH_KEYS_ENCRYPTION_KEY",
                                newKek,
                                "AUTH_KEYS_PREVIOUS_ENCRYPTION_KEYS",
                                oldKek))) {
            rotated.awaitReady();
            assertEquals(kid, Jose.kid(rotated.adminToken()));
            assertTrue(rotated.log().contains("sealed again under the current KEK"), rotated.log());
        }
        // The earlier KEK is no longer needed: the same key opens under the new one alone.
        try (Service after =
                Service.start(kekDatabase, Map.of("AUTH_KEYS_ENCRYPTION_KEY", newKek))) {
            after.awaitReady();
            assertEquals(kid, Jose.kid(after.adminToken()));
        }
    }
}
