package io.authservice.passwords;

import io.authservice.config.PasswordsConfig;
import io.authservice.platform.BoundedWorker;
import io.authservice.platform.crypto.NativeCrypto;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.UUID;

/**
 * Hashes passwords with Argon2id and verifies Argon2id and imported bcrypt hashes, on a bounded
 * pool of its own. Passwords are hashed in their NFKC form; hashes made before that, over the
 * password as typed, still verify and are reported outdated. Verifying against no hash (an unknown
 * user) costs the same work as a wrong password, so timing does not tell which usernames exist.
 */
@Startup // the decoy hash costs tens of ms: at start, not on the event loop of the first login
@Singleton
public class PasswordHasher {

    public enum Outcome {
        MISMATCH,
        MATCH,
        MATCH_OUTDATED
    }

    private final Argon2id argon2;
    private final BoundedWorker worker;
    private final String decoy;

    private final Timer timer;

    @Inject
    PasswordHasher(PasswordsConfig config, MeterRegistry metrics, NativeCrypto crypto) {
        this.timer =
                Timer.builder("auth.password.hash")
                        .description("Argon2id/bcrypt hashing and verification")
                        .register(metrics);
        PasswordsConfig p = config;
        this.argon2 =
                new Argon2id(
                        crypto.argon2(),
                        p.argon2MemoryKib(),
                        p.argon2Iterations(),
                        p.argon2Parallelism());
        this.worker = new BoundedWorker("password-hashing", p.hashingThreads(), p.hashingQueue());
        this.decoy = argon2.hash(UUID.randomUUID().toString());
    }

    /** For unit tests: checks with {@code argon2}, on a pool of one thread. */
    PasswordHasher(Argon2id argon2) {
        this.timer = Timer.builder("auth.password.hash").register(new SimpleMeterRegistry());
        this.argon2 = argon2;
        this.worker = new BoundedWorker("password-hashing-test", 1, 16);
        this.decoy = argon2.hash(UUID.randomUUID().toString());
    }

    /** Hashes {@code password} in its NFKC form (NIST SP 800-63B-4 §3.1.1.2). */
    public Uni<String> hash(String password) {
        return worker.submit(() -> timer.record(() -> argon2.hash(normalize(password))));
    }

    /**
     * @param encoded the stored hash, or {@code null} when there is no such user
     */
    public Uni<Outcome> verify(String password, String encoded) {
        return worker.submit(() -> timer.record(() -> check(password, encoded)));
    }

    /**
     * Checks the NFKC form of {@code password}. Against an Argon2id hash that does not match it,
     * when the password is not already in NFKC form, the password as typed too, which is what
     * hashes stored before normalization are over: such a match is {@link Outcome#MATCH_OUTDATED},
     * so that it is re-hashed. (Elytron's bcrypt normalizes to NFKC itself, so bcrypt has one form
     * only.) An ASCII password is its own NFKC form and costs one hash, as does an unknown user
     * with it; a non-normalized password costs an unknown user the same two hashes as a wrong one.
     */
    Outcome check(String password, String encoded) {
        String normalized = normalize(password);
        boolean raw = !normalized.equals(password);
        if (encoded != null && encoded.startsWith(Argon2id.PREFIX)) {
            if (argon2.verify(normalized, encoded)) {
                return argon2.outdated(encoded) ? Outcome.MATCH_OUTDATED : Outcome.MATCH;
            }
            return raw && argon2.verify(password, encoded)
                    ? Outcome.MATCH_OUTDATED
                    : Outcome.MISMATCH;
        }
        if (encoded != null && Bcrypt.handles(encoded)) {
            if (!Bcrypt.verify(normalized, encoded)) {
                return Outcome.MISMATCH;
            }
            // bcrypt read only the first 72 bytes (of the NFKC form, as Elytron hashes it): a
            // longer
            // password that matched may be a guess with the right prefix, and re-hashing it would
            // make
            // that guess the password. Kept as it is.
            return normalized.getBytes(StandardCharsets.UTF_8).length > Bcrypt.MAX_BYTES
                    ? Outcome.MATCH
                    : Outcome.MATCH_OUTDATED;
        }
        argon2.verify(normalized, decoy);
        if (raw) {
            argon2.verify(password, decoy);
        }
        return Outcome.MISMATCH;
    }

    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    @PreDestroy
    void close() {
        worker.close();
    }
}
