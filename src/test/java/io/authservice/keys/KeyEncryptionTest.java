package io.authservice.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyEncryptionTest {

    private static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEK =
            Base64.getEncoder()
                    .encodeToString(
                            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private final byte[] secret = "a private key".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealsAndOpens() {
        KeyEncryption kek = new KeyEncryption(KEK, List.of());
        byte[] sealed = kek.seal("kid-1", secret);
        assertFalse(contains(sealed, secret), "the plaintext must not appear in the sealed form");
        assertArrayEquals(secret, kek.open("kid-1", kek.kekId(), sealed));
        assertFalse(Arrays.equals(sealed, kek.seal("kid-1", secret)), "a fresh nonce every time");
    }

    @Test
    void aSealedKeyIsBoundToItsKid() {
        KeyEncryption kek = new KeyEncryption(KEK, List.of());
        byte[] sealed = kek.seal("kid-1", secret);
        assertThrows(IllegalStateException.class, () -> kek.open("kid-2", kek.kekId(), sealed));
    }

    @Test
    void anotherKekCannotOpenIt() {
        KeyEncryption kek = new KeyEncryption(KEK, List.of());
        KeyEncryption other = new KeyEncryption(OTHER_KEK, List.of());
        assertNotEquals(kek.kekId(), other.kekId());
        byte[] sealed = kek.seal("kid-1", secret);
        assertThrows(IllegalStateException.class, () -> other.open("kid-1", kek.kekId(), sealed));
        assertThrows(IllegalStateException.class, () -> other.open("kid-1", other.kekId(), sealed));
    }

    @Test
    void anEarlierKekStillOpensWhatItSealed() {
        KeyEncryption old = new KeyEncryption(OTHER_KEK, List.of());
        byte[] sealed = old.seal("kid-1", secret);
        KeyEncryption rotated = new KeyEncryption(KEK, List.of(OTHER_KEK));
        assertArrayEquals(secret, rotated.open("kid-1", old.kekId(), sealed));
        assertNotEquals(old.kekId(), rotated.kekId());
    }

    @Test
    void refusesAKekThatIsNot32Bytes() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                new KeyEncryption(
                                        Base64.getEncoder().encodeToString(new byte[16]),
                                        List.of()));
        assertTrue(e.getMessage().contains("auth.keys.encryption-key"));
        assertThrows(
                IllegalStateException.class, () -> new KeyEncryption("not base64 !", List.of()));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
