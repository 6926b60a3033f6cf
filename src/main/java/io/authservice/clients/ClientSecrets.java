package io.authservice.clients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client secrets: 256 random bits made by the server, kept only as a SHA-256 hash. A password needs
 * a slow hash because people choose guessable ones; a secret with 256 bits of entropy has no
 * dictionary to try, so a fast hash loses nothing, and it keeps client authentication at
 * microseconds instead of the tens of milliseconds (and the hashing pool) that Argon2id would take
 * on every token request.
 */
public final class ClientSecrets {

    private static final int MAX_LENGTH = 256;

    private ClientSecrets() {}

    /**
     * @param random held by a bean: a static generator would be seeded once, in the native image's
     *     build
     */
    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code presented} is the secret of {@code expected} (a hash, or null), in constant
     * time.
     */
    static boolean matches(String presented, byte[] expected) {
        byte[] hash = hash(presented.length() > MAX_LENGTH ? "" : presented);
        return expected != null
                & MessageDigest.isEqual(hash, expected == null ? new byte[hash.length] : expected);
    }
}
