package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Argon2idTest {

    /**
     * Made by the reference implementation: {@code echo -n password | argon2 somesalt16bytes! -id
     * -t 2 -m 10 -p 1 -l 32 -e}.
     */
    static final String REFERENCE =
            "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQxNmJ5dGVzIQ$1mUOkMcxDqdchr1hCIyyZvBw/F/w3CoX5Bl8FWahj4g";

    private final Argon2id argon2 = new Argon2id(1024, 2, 1);

    @Test
    void verifiesAHashOfTheReferenceImplementation() {
        assertTrue(argon2.verify("password", REFERENCE));
        assertFalse(argon2.verify("Password", REFERENCE));
    }

    @Test
    void hashesInThePhcFormatWithAFreshSalt() {
        String hash = argon2.hash("correct horse");
        assertTrue(
                hash.matches(
                        "\\$argon2id\\$v=19\\$m=1024,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"),
                hash);
        assertTrue(argon2.verify("correct horse", hash));
        assertFalse(argon2.verify("correct horse ", hash));
        assertNotEquals(hash, argon2.hash("correct horse"));
    }

    @Test
    void knowsWhenAHashHasOtherParameters() {
        assertFalse(argon2.outdated(argon2.hash("x")));
        assertTrue(new Argon2id(2048, 2, 1).outdated(argon2.hash("x")));
        assertTrue(new Argon2id(1024, 3, 1).outdated(argon2.hash("x")));
    }

    @Test
    void refusesMalformedOrAbusiveHashes() {
        assertThrows(
                IllegalArgumentException.class,
                () -> argon2.verify("x", "$argon2i$v=19$m=1024,t=2,p=1$c2FsdA$aGFzaA"));
        assertThrows(
                IllegalArgumentException.class,
                () -> argon2.verify("x", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA"));
        assertThrows(IllegalArgumentException.class, () -> new Argon2id(4, 1, 1));
    }
}
