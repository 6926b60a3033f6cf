package io.authservice.passwords;

import io.authservice.platform.crypto.Argon2Engine;
import io.authservice.platform.crypto.BouncyCastleArgon2;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id (RFC 9106) in the PHC string format {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, so
 * every stored hash carries its parameters. The hash itself comes from an {@link Argon2Engine}
 * (libargon2 or Bouncy Castle, chosen at start); both give the same bytes.
 */
final class Argon2id {

    static final String PREFIX = "$argon2id$";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final Argon2Engine engine;
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    Argon2id(int memoryKib, int iterations, int parallelism) {
        this(new BouncyCastleArgon2(), memoryKib, iterations, parallelism);
    }

    Argon2id(Argon2Engine engine, int memoryKib, int iterations, int parallelism) {
        if (memoryKib < 8 * parallelism
                || memoryKib > MAX_MEMORY_KIB
                || iterations < 1
                || parallelism < 1) {
            throw new IllegalArgumentException(
                    "invalid Argon2id parameters m="
                            + memoryKib
                            + " t="
                            + iterations
                            + " p="
                            + parallelism);
        }
        this.engine = engine;
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash =
                derive(
                        password,
                        new Encoded(
                                memoryKib, iterations, parallelism, salt, new byte[HASH_BYTES]));
        return PREFIX
                + "v=19$m="
                + memoryKib
                + ",t="
                + iterations
                + ",p="
                + parallelism
                + "$"
                + B64.encodeToString(salt)
                + "$"
                + B64.encodeToString(hash);
    }

    boolean verify(String password, String encoded) {
        Encoded stored = Encoded.parse(encoded);
        return MessageDigest.isEqual(derive(password, stored), stored.hash);
    }

    /** Whether a stored hash was made with other parameters than the configured ones. */
    boolean outdated(String encoded) {
        Encoded stored = Encoded.parse(encoded);
        return stored.memoryKib != memoryKib
                || stored.iterations != iterations
                || stored.parallelism != parallelism
                || stored.hash.length != HASH_BYTES;
    }

    private byte[] derive(String password, Encoded params) {
        return engine.derive(
                password.getBytes(StandardCharsets.UTF_8),
                params.salt,
                params.memoryKib,
                params.iterations,
                params.parallelism,
                params.hash.length);
    }

    private record Encoded(
            int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

        static Encoded parse(String encoded) {
            String[] parts = encoded.split("\\$");
            if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                throw new IllegalArgumentException("not an Argon2id v19 PHC string");
            }
            int m = 0, t = 0, p = 0;
            for (String param : parts[3].split(",")) {
                String[] kv = param.split("=", 2);
                int value = Integer.parseInt(kv[1]);
                switch (kv[0]) {
                    case "m" -> m = value;
                    case "t" -> t = value;
                    case "p" -> p = value;
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown Argon2id parameter " + kv[0]);
                }
            }
            if (m < 8 || m > MAX_MEMORY_KIB || t < 1 || t > 100 || p < 1 || p > 64) {
                throw new IllegalArgumentException("Argon2id parameters out of range");
            }
            Base64.Decoder decoder = Base64.getDecoder();
            return new Encoded(m, t, p, decoder.decode(parts[4]), decoder.decode(parts[5]));
        }
    }
}
