package io.authservice.sessions;

import io.authservice.keys.KeyEncryption;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The form of a refresh token, without I/O. A session's first token is 256 random bits, base64url.
 * A token's successor is not random: it is an HMAC of the token under a key derived from the KEK,
 * so any replica can recompute it without the database holding it. The database keeps only a
 * token's SHA-256 ({@link #hash}).
 */
@Singleton
public class RefreshTokenCodec {

    /** No token of this service is longer; a longer one is refused without a lookup. */
    static final int MAX_LENGTH = 256;

    private static final String SUCCESSOR_PURPOSE = "auth-service refresh-token successor v1";

    private final List<SecretKey> successorKeys;
    private final SecureRandom random = new SecureRandom();

    @Inject
    RefreshTokenCodec(KeyEncryption encryption) {
        this(encryption.derivedKeys(SUCCESSOR_PURPOSE));
    }

    /**
     * @param successorKeys the key of the current KEK first, then those of earlier KEKs
     */
    RefreshTokenCodec(List<SecretKey> successorKeys) {
        this.successorKeys = List.copyOf(successorKeys);
    }

    /** The first token of a new session. */
    public String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return encode(bytes);
    }

    /** Whether {@code token} may be one of this service's at all. */
    public boolean plausible(String token) {
        return token.length() <= MAX_LENGTH;
    }

    /** The successor {@code token} gets now, under the current KEK. */
    public String successor(String token) {
        return successor(token, successorKeys.get(0));
    }

    /**
     * Every successor {@code token} may have got, the current KEK's first: one spent before a KEK
     * rotation got that of an earlier KEK.
     */
    public List<String> successorCandidates(String token) {
        return successorKeys.stream().map(key -> successor(token, key)).toList();
    }

    /** What the database keeps of a token. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String successor(String token, SecretKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return encode(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
