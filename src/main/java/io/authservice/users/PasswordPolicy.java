package io.authservice.users;

import jakarta.inject.Singleton;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The password policy (NIST SP 800-63B-4 §3.1.1.2: length, not composition rules): at least {@link
 * #MIN_LENGTH} code points after NFKC normalization, not a common or breached password ({@link
 * CommonPasswords}), and not containing the username. Request bodies ask for it with {@link
 * FollowsPasswordPolicy}.
 */
@Singleton
public class PasswordPolicy {

    public static final int MIN_LENGTH = 8;

    /** Bounds the hashing input; long enough for any password manager. */
    public static final int MAX_LENGTH = 128;

    private final CommonPasswords common;

    PasswordPolicy(CommonPasswords common) {
        this.common = common;
    }

    /**
     * What is wrong with {@code password} for the user {@code username} (normalized), if anything.
     */
    public Optional<String> problem(String password, String username) {
        String normalized = Normalizer.normalize(password, Normalizer.Form.NFKC);
        if (normalized.codePointCount(0, normalized.length()) < MIN_LENGTH) {
            return Optional.of("must have at least " + MIN_LENGTH + " characters");
        }
        if (username != null
                && !username.isEmpty()
                && normalized.toLowerCase(Locale.ROOT).contains(Usernames.normalize(username))) {
            return Optional.of("may not contain the username");
        }
        if (common.contains(normalized)) {
            return Optional.of("is a common or breached password; choose another");
        }
        return Optional.empty();
    }
}
