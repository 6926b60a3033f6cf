package io.authservice.platform.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

/**
 * The native paths load here, the switch and load failures fall back to Java, and results agree.
 */
class NativeCryptoTest {

    private static final byte[] MESSAGE = "header.payload".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSwitchKeepsTheJdkAndBouncyCastle() {
        NativeCrypto off = new NativeCrypto(false);
        assertTrue(off.provider().startsWith("the JDK's"), off.provider());
        assertInstanceOf(BouncyCastleArgon2.class, off.argon2());
    }

    @Test
    void librariesThatDoNotLoadFallBackToJava() {
        assertTrue(
                NativeCrypto.installProvider("com.example.NoSuchProvider")
                        .startsWith("the JDK's (Amazon Corretto"));
        Argon2Engine argon2 = NativeCrypto.argon2("com.example.NoSuchArgon2");
        assertInstanceOf(BouncyCastleArgon2.class, argon2);
        assertTrue(argon2.name().contains("unavailable"), argon2.name());
    }

    @Test
    void awsLcIsTheFirstProviderAndSignsAsTheJdkDoes() throws Exception {
        NativeCrypto on = new NativeCrypto(true);
        assertTrue(on.provider().startsWith("AmazonCorrettoCryptoProvider"), on.provider());
        assertEquals("AmazonCorrettoCryptoProvider", Security.getProviders()[0].getName());
        assertEquals(
                "AmazonCorrettoCryptoProvider",
                Signature.getInstance("SHA256withRSA").getProvider().getName());
        assertTrue(on.argon2().name().startsWith("libargon2"), on.argon2().name());

        // RS256 (PKCS#1 v1.5) is deterministic: the same bytes from AWS-LC and the JDK.
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();
        assertArrayEquals(
                sign("SHA256withRSA", null, rsaPair), sign("SHA256withRSA", "SunRsaSign", rsaPair));
        // ES256 and EdDSA are checked across: what one signs, the other verifies.
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", "SunEC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        crossVerify("SHA256withECDSA", ec.generateKeyPair());
        crossVerify("Ed25519", KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair());
        // Keys that AWS-LC generated work with the JDK too.
        KeyPairGenerator awsLcEc = KeyPairGenerator.getInstance("EC");
        awsLcEc.initialize(new ECGenParameterSpec("secp256r1"));
        crossVerify("SHA256withECDSA", awsLcEc.generateKeyPair());
    }

    private static void crossVerify(String alg, KeyPair pair) throws Exception {
        assertTrue(verify(alg, "SunEC", pair, sign(alg, null, pair)), alg + " AWS-LC -> JDK");
        assertTrue(verify(alg, null, pair, sign(alg, "SunEC", pair)), alg + " JDK -> AWS-LC");
    }

    private static byte[] sign(String alg, String provider, KeyPair pair) throws Exception {
        Signature s =
                provider == null
                        ? Signature.getInstance(alg)
                        : Signature.getInstance(alg, provider);
        s.initSign(pair.getPrivate());
        s.update(MESSAGE);
        return s.sign();
    }

    private static boolean verify(String alg, String provider, KeyPair pair, byte[] signature)
            throws Exception {
        Signature s =
                provider == null
                        ? Signature.getInstance(alg)
                        : Signature.getInstance(alg, provider);
        s.initVerify(pair.getPublic());
        s.update(MESSAGE);
        return s.verify(signature);
    }
}
