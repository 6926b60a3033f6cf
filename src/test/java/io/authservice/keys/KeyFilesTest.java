package io.authservice.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @TempDir Path dir;

    @Test
    void readsPemAndJwkFilesWithTheirStates() throws Exception {
        KeyPair rsa = generate("RSA", null);
        Files.writeString(
                dir.resolve("2026-11.active.pem"),
                pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
        KeyPair ec = generate("EC", new ECGenParameterSpec("secp256r1"));
        Files.writeString(
                dir.resolve("2026-12.next.pem"),
                pem("PRIVATE KEY", ec.getPrivate().getEncoded())
                        + pem("PUBLIC KEY", ec.getPublic().getEncoded()));
        KeyPair edPair = generate("Ed25519", null);
        PublicJsonWebKey ed = PublicJsonWebKey.Factory.newPublicJwk(edPair.getPublic());
        ed.setPrivateKey(edPair.getPrivate());
        ed.setAlgorithm("EdDSA");
        Files.writeString(
                dir.resolve("2026-10.retired.jwk"),
                ed.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        Files.writeString(dir.resolve("README.txt"), "ignored");

        List<SigningKey> keys = KeyFiles.load(dir, "PS256");

        assertEquals(
                List.of("2026-10", "2026-11", "2026-12"),
                keys.stream().map(SigningKey::kid).toList());
        assertEquals(
                List.of("EdDSA", "PS256", "ES256"),
                keys.stream().map(SigningKey::algorithm).toList());
        assertEquals(
                List.of(
                        SigningKey.KeyState.RETIRED,
                        SigningKey.KeyState.ACTIVE,
                        SigningKey.KeyState.NEXT),
                keys.stream().map(SigningKey::state).toList());
        assertEquals(rsa.getPublic(), keys.get(1).publicKey());
        assertTrue(
                keys.stream().noneMatch(k -> k.publicJwk().contains("\"d\"")), "public JWKs only");
    }

    @Test
    void exactlyOneKeyMustBeActive() throws Exception {
        Files.writeString(
                dir.resolve("a.next.pem"),
                pem("PRIVATE KEY", generate("RSA", null).getPrivate().getEncoded()));
        IllegalStateException none =
                assertThrows(IllegalStateException.class, () -> KeyFiles.load(dir, "RS256"));
        assertTrue(none.getMessage().contains("exactly one"));
        Files.writeString(
                dir.resolve("b.active.pem"),
                pem("PRIVATE KEY", generate("RSA", null).getPrivate().getEncoded()));
        Files.writeString(
                dir.resolve("c.active.pem"),
                pem("PRIVATE KEY", generate("RSA", null).getPrivate().getEncoded()));
        assertThrows(IllegalStateException.class, () -> KeyFiles.load(dir, "RS256"));
    }

    @Test
    void anEcKeyWithoutItsPublicPartIsRefusedClearly() throws Exception {
        Files.writeString(
                dir.resolve("a.active.pem"),
                pem(
                        "PRIVATE KEY",
                        generate("EC", new ECGenParameterSpec("secp256r1"))
                                .getPrivate()
                                .getEncoded()));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> KeyFiles.load(dir, "RS256"));
        assertTrue(e.getMessage().contains("PUBLIC KEY"), e.getMessage());
    }

    private static KeyPair generate(String type, ECGenParameterSpec spec) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
        if (spec != null) {
            generator.initialize(spec);
        } else if (type.equals("RSA")) {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }
}
