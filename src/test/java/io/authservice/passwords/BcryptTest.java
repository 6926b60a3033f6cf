package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BcryptTest {

    /** The Openwall crypt_blowfish test vector for "U*U". */
    static final String U_STAR_U = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    @Test
    void verifiesEachPrefix() {
        for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
            String hash = prefix + U_STAR_U.substring(4);
            assertTrue(Bcrypt.handles(hash));
            assertTrue(Bcrypt.verify("U*U", hash), prefix);
            assertFalse(Bcrypt.verify("U*V", hash), prefix);
        }
    }

    @Test
    void aMalformedHashVerifiesNothing() {
        assertFalse(Bcrypt.verify("U*U", "$2a$05$tooshort"));
        assertFalse(Bcrypt.handles("$argon2id$v=19$"));
    }
}
