package io.authservice.platform.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id in pure Java (Bouncy Castle): everywhere, and the only one in the native executable. */
public final class BouncyCastleArgon2 implements Argon2Engine {

    private final String why;

    public BouncyCastleArgon2() {
        this("");
    }

    /**
     * @param why why the native implementation is not used, for the start log
     */
    BouncyCastleArgon2(String why) {
        this.why = why;
    }

    @Override
    public String name() {
        return "Bouncy Castle (Java)" + why;
    }

    @Override
    public byte[] derive(
            byte[] password,
            byte[] salt,
            int memoryKib,
            int iterations,
            int parallelism,
            int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(
                new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                        .withMemoryAsKB(memoryKib)
                        .withIterations(iterations)
                        .withParallelism(parallelism)
                        .withSalt(salt)
                        .build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }
}
