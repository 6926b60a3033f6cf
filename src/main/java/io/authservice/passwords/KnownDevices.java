package io.authservice.passwords;

import io.authservice.config.LoginConfig;
import io.authservice.keys.KeyEncryption;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Device tokens (OWASP's "device cookie"): a successful login hands the device a token bound to the
 * username, and a device that presents it later is counted on its own, apart from every stranger's
 * failures, so an attack on the username never locks it out. Stateless: an HMAC under a key derived
 * from the KEK, so every replica accepts every replica's tokens; only its failures are stored.
 */
@Singleton
public class KnownDevices {

    private static final String PURPOSE = "known-device";
    private static final int ID_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final List<SecretKey> keys;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    KnownDevices(KeyEncryption encryption, LoginConfig config) {
        this.keys = encryption.derivedKeys(PURPOSE);
        this.lifetime = config.knownDeviceLifetime();
    }

    /** How long a device token is accepted after the login that issued it. */
    public Duration lifetime() {
        return lifetime;
    }

    /** A new device token for {@code username} (normalized). */
    public String issue(String username) {
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        byte[] payload =
                ByteBuffer.allocate(ID_BYTES + Long.BYTES)
                        .put(id)
                        .putLong(Instant.now().getEpochSecond())
                        .array();
        return B64.encodeToString(payload)
                + "."
                + B64.encodeToString(mac(keys.get(0), username, payload));
    }

    /**
     * The device's id when {@code token} was issued for {@code username} and has not expired; empty
     * for anything else, malformed input included.
     */
    public Optional<String> verify(String token, String username) {
        if (token == null || token.length() > 128) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        byte[] payload;
        byte[] presented;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, Math.max(dot, 0)));
            presented = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
        if (dot < 0 || payload.length != ID_BYTES + Long.BYTES) {
            return Optional.empty();
        }
        boolean genuine = false;
        for (SecretKey key : keys) {
            genuine |= MessageDigest.isEqual(mac(key, username, payload), presented);
        }
        long issued = ByteBuffer.wrap(payload, ID_BYTES, Long.BYTES).getLong();
        if (!genuine || Instant.ofEpochSecond(issued).plus(lifetime).isBefore(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(B64.encodeToString(java.util.Arrays.copyOf(payload, ID_BYTES)));
    }

    private static byte[] mac(SecretKey key, String username, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
