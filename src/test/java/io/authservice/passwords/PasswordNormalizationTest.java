package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.passwords.PasswordHasher.Outcome;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.spec.EncryptablePasswordSpec;
import org.wildfly.security.password.spec.IteratedSaltedPasswordAlgorithmSpec;
import org.wildfly.security.password.util.ModularCrypt;

/** NIST SP 800-63B-4 §3.1.1.2: passwords are hashed and verified in their NFKC form. */
class PasswordNormalizationTest {

    /**
     * "ﬁ" (U+FB01) and "Ⅻ" (U+216B) are compatibility characters: NFKC makes them "fi" and "XII".
     */
    private static final String COMPOSED = "\uFB01replace-\u216B-pass";

    private static final String PLAIN = "fireplace-XII-pass";

    /** Full-width letters and digits (U+FF21 ...), NFKC "Secret42word". */
    private static final String FULL_WIDTH =
            "\uFF33\uFF45\uFF43\uFF52\uFF45\uFF54\uFF14\uFF12\uFF57\uFF4F\uFF52\uFF44";

    private final Argon2id argon2 = new Argon2id(1024, 2, 1);
    private final PasswordHasher hasher = new PasswordHasher(argon2);

    @AfterEach
    void close() {
        hasher.close();
    }

    private String hash(String password) {
        return hasher.hash(password).await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void theFixturesDifferOnlyByNormalization() {
        assertNotEquals(PLAIN, COMPOSED);
        assertEquals(PLAIN, Normalizer.normalize(COMPOSED, Normalizer.Form.NFKC));
        assertEquals("Secret42word", Normalizer.normalize(FULL_WIDTH, Normalizer.Form.NFKC));
    }

    @Test
    void aPasswordWithCompatibilityCharactersVerifiesInEitherForm() {
        String hash = hash(COMPOSED);
        assertEquals(Outcome.MATCH, hasher.check(COMPOSED, hash));
        assertEquals(Outcome.MATCH, hasher.check(PLAIN, hash));
        assertEquals(Outcome.MISMATCH, hasher.check("fireplace-XI-pass", hash));

        String plainHash = hash(PLAIN);
        assertEquals(Outcome.MATCH, hasher.check(COMPOSED, plainHash));
        assertEquals(Outcome.MATCH, hasher.check(PLAIN, plainHash));
    }

    @Test
    void fullWidthLettersVerifyAsTheirAsciiForm() {
        String hash = hash(FULL_WIDTH);
        assertEquals(Outcome.MATCH, hasher.check("Secret42word", hash));
        assertEquals(Outcome.MATCH, hasher.check(FULL_WIDTH, hash));
        assertEquals(Outcome.MISMATCH, hasher.check("secret42word", hash));
    }

    @Test
    void newHashesAreOverTheNormalizedPassword() {
        String hash = hash(COMPOSED);
        assertTrue(argon2.verify(PLAIN, hash), "the stored hash is over NFKC(password)");
    }

    /**
     * A hash stored before normalization, over the raw password, still verifies and is to be
     * re-hashed.
     */
    @Test
    void aHashOverTheRawPasswordVerifiesAndIsOutdated() {
        String old = argon2.hash(COMPOSED); // the old way: the raw password's bytes
        assertEquals(Outcome.MATCH_OUTDATED, hasher.check(COMPOSED, old));
        // the NFKC form alone is not the password that was hashed
        assertEquals(Outcome.MISMATCH, hasher.check(PLAIN, old));
        assertEquals(Outcome.MISMATCH, hasher.check("\uFB01replace-\u216A-pass", old));
    }

    @Test
    void anAsciiPasswordBehavesAsBefore() {
        String hash = hash("correct horse battery");
        assertTrue(argon2.verify("correct horse battery", hash));
        assertEquals(Outcome.MATCH, hasher.check("correct horse battery", hash));
        assertEquals(Outcome.MISMATCH, hasher.check("correct horse battery ", hash));
        assertEquals(
                Outcome.MATCH,
                hasher.check("correct horse battery", argon2.hash("correct horse battery")));
        assertEquals(Outcome.MISMATCH, hasher.check("correct horse battery", null));
        assertEquals(
                Outcome.MATCH,
                hasher.check(
                        "password",
                        "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQxNmJ5dGVzIQ$1mUOkMcxDqdchr1hCIyyZvBw/F/w3CoX5Bl8FWahj4g"));
    }

    /**
     * Elytron's bcrypt hashes and verifies the NFKC form itself: either form matches, as before.
     */
    @Test
    void aBcryptHashVerifiesInEitherFormAndIsOutdated() throws Exception {
        assertEquals(Outcome.MATCH_OUTDATED, hasher.check(COMPOSED, bcrypt(COMPOSED)));
        assertEquals(Outcome.MATCH_OUTDATED, hasher.check(PLAIN, bcrypt(COMPOSED)));
        assertEquals(Outcome.MATCH_OUTDATED, hasher.check(COMPOSED, bcrypt(PLAIN)));
        assertEquals(Outcome.MISMATCH, hasher.check("fireplace-XI-pass", bcrypt(PLAIN)));
    }

    /**
     * bcrypt's 72 bytes are of the NFKC form: "ﷺ" (U+FDFA, 3 bytes) is 33 bytes in NFKC, so a guess
     * of few bytes as typed can match on the NFKC prefix alone. It must not be re-hashed into the
     * password.
     */
    @Test
    void theBcrypt72ByteRuleCountsTheNormalizedBytes() throws Exception {
        String real = "\uFDFA\uFDFA\uFDFA-pass";
        String guess = "\uFDFA\uFDFA\uFDFA-the-attacker-s-own";
        assertTrue(guess.getBytes(StandardCharsets.UTF_8).length <= 72);
        assertTrue(
                Normalizer.normalize(guess, Normalizer.Form.NFKC)
                                .getBytes(StandardCharsets.UTF_8)
                                .length
                        > 72);
        String hash = bcrypt(real);
        assertEquals(Outcome.MATCH, hasher.check(guess, hash));
        assertEquals(Outcome.MATCH, hasher.check(real, hash));
    }

    private static String bcrypt(String password) throws Exception {
        PasswordFactory factory =
                PasswordFactory.getInstance(
                        BCryptPassword.ALGORITHM_BCRYPT,
                        WildFlyElytronPasswordProvider.getInstance());
        return ModularCrypt.encodeAsString(
                factory.generatePassword(
                        new EncryptablePasswordSpec(
                                password.toCharArray(),
                                new IteratedSaltedPasswordAlgorithmSpec(4, new byte[16]))));
    }
}
