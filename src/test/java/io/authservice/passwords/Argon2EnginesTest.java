package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.platform.crypto.Argon2Engine;
import io.authservice.platform.crypto.BouncyCastleArgon2;
import io.authservice.platform.crypto.NativeCrypto;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** libargon2 (native) and Bouncy Castle (Java) make and verify the same PHC hashes, both ways. */
class Argon2EnginesTest {

    private final Argon2Engine nativeEngine = NativeCrypto.argon2(true);
    private final Argon2Engine javaEngine = NativeCrypto.argon2(false);

    @Test
    void theNativeLibraryLoadsOnThisPlatformAndTheSwitchForcesJava() {
        assertTrue(nativeEngine.name().startsWith("libargon2"), nativeEngine.name());
        assertInstanceOf(BouncyCastleArgon2.class, javaEngine);
    }

    @Test
    void aHashMadeNativelyVerifiesInJavaAndTheOtherWayRound() {
        Argon2id viaNative = new Argon2id(nativeEngine, 7168, 5, 1);
        Argon2id viaJava = new Argon2id(javaEngine, 7168, 5, 1);
        String fromNative = viaNative.hash("correct horse battery");
        String fromJava = viaJava.hash("correct horse battery");
        assertTrue(viaJava.verify("correct horse battery", fromNative));
        assertTrue(viaNative.verify("correct horse battery", fromJava));
        assertFalse(viaJava.verify("correct horse batterY", fromNative));
        assertFalse(viaNative.verify("correct horse batterY", fromJava));
        assertTrue(viaNative.verify("password", Argon2idTest.REFERENCE));
    }

    @Test
    void bothGiveTheSameBytesForManyParametersAndNonAsciiPasswords() {
        byte[] salt = "sixteen byte salt".getBytes(StandardCharsets.UTF_8);
        for (String password : new String[] {"", "p", "päßwörd ✓", "x".repeat(1000)}) {
            byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
            for (int[] mtp : new int[][] {{8, 1, 1}, {64, 3, 1}, {256, 2, 2}, {1024, 1, 4}}) {
                assertArrayEquals(
                        javaEngine.derive(bytes, salt, mtp[0], mtp[1], mtp[2], 32),
                        nativeEngine.derive(bytes, salt, mtp[0], mtp[1], mtp[2], 32),
                        password + " " + mtp[0]);
            }
        }
    }
}
