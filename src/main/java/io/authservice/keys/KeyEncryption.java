package io.authservice.keys;

import io.authservice.config.KeysConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private signing keys at rest with AES-256-GCM under the key-encryption key (KEK). The key
 * id is bound as associated data, so a sealed key cannot be moved to another row. Sealed form:
 * 12-byte nonce followed by ciphertext and tag.
 */
@Singleton
public class KeyEncryption {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey kek;
    private final String kekId;

    /** Every KEK that may open a sealed key, by id: the current one and the earlier ones. */
    private final Map<String, SecretKey> openers = new HashMap<>();

    private final SecureRandom random = new SecureRandom();

    @Inject
    KeyEncryption(KeysConfig config) {
        this(config.encryptionKey(), config.previousEncryptionKeys().orElse(List.of()));
    }

    KeyEncryption(String base64Kek, List<String> previous) {
        byte[] raw = decode(base64Kek);
        this.kek = new SecretKeySpec(raw, "AES");
        this.kekId = fingerprint(raw);
        for (String earlier : previous) {
            byte[] old = decode(earlier);
            openers.put(fingerprint(old), new SecretKeySpec(old, "AES"));
        }
        openers.put(kekId, kek);
    }

    private static byte[] decode(String base64Kek) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Kek.trim());
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw new IllegalStateException(
                    "auth.keys.encryption-key and auth.keys.previous-encryption-keys"
                            + " must each be the base64 of 32 random bytes (e.g. `openssl rand -base64 32`)");
        }
        return raw;
    }

    /** A short, public fingerprint of the KEK, stored beside each sealed key. */
    public String kekId() {
        return kekId;
    }

    byte[] seal(String kid, byte[] plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not seal key " + kid, e);
        }
    }

    byte[] open(String kid, String sealedKekId, byte[] sealed) {
        SecretKey opener = openers.get(sealedKekId);
        if (opener == null) {
            throw new IllegalStateException(
                    "signing key "
                            + kid
                            + " is sealed under KEK "
                            + sealedKekId
                            + ", which is neither auth.keys.encryption-key ("
                            + kekId
                            + ") nor one of auth.keys.previous-encryption-keys");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    opener,
                    new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "signing key " + kid + " does not open with the configured KEK", e);
        }
    }

    /**
     * Keys for {@code purpose} derived from the KEK (HMAC-SHA256 of the purpose under it), the
     * current KEK's first: every replica derives the same ones, and none is stored.
     */
    public List<SecretKey> derivedKeys(String purpose) {
        List<SecretKey> derived = new java.util.ArrayList<>();
        derived.add(derive(kek, purpose));
        openers.values().stream()
                .filter(k -> k != kek)
                .forEach(k -> derived.add(derive(k, purpose)));
        return derived;
    }

    private static SecretKey derive(SecretKey from, String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(from.getEncoded(), "HmacSHA256"));
            return new SecretKeySpec(
                    mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fingerprint(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 11);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
