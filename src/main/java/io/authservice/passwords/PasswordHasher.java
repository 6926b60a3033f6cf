package io.authservice.passwords;

import io.authservice.config.AuthConfig;
import io.authservice.crypto.NativeCrypto;
import io.authservice.web.BoundedWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Hashes passwords with Argon2id and verifies Argon2id and imported bcrypt hashes, on a bounded
 * pool of its own. Verifying against no hash (an unknown user) costs the same work as a wrong
 * password, so timing does not tell which usernames exist.
 */
@Startup // the decoy hash costs tens of ms: at start, not on the event loop of the first login
@Singleton
public class PasswordHasher {

    public enum Outcome { MISMATCH, MATCH, MATCH_OUTDATED }

    private final Argon2id argon2;
    private final BoundedWorker worker;
    private final String decoy;

    private final Timer timer;

    PasswordHasher(AuthConfig config, MeterRegistry metrics, NativeCrypto crypto) {
        this.timer = Timer.builder("auth.password.hash").description("Argon2id/bcrypt hashing and verification")
                .register(metrics);
        AuthConfig.Passwords p = config.passwords();
        this.argon2 = new Argon2id(crypto.argon2(), p.argon2MemoryKib(), p.argon2Iterations(), p.argon2Parallelism());
        this.worker = new BoundedWorker("password-hashing", p.hashingThreads(), p.hashingQueue());
        this.decoy = argon2.hash(UUID.randomUUID().toString());
    }

    public Uni<String> hash(String password) {
        return worker.submit(() -> timer.record(() -> argon2.hash(password)));
    }

    /** @param encoded the stored hash, or {@code null} when there is no such user */
    public Uni<Outcome> verify(String password, String encoded) {
        return worker.submit(() -> timer.record(() -> check(password, encoded)));
    }

    Outcome check(String password, String encoded) {
        if (encoded != null && encoded.startsWith(Argon2id.PREFIX)) {
            if (!argon2.verify(password, encoded)) {
                return Outcome.MISMATCH;
            }
            return argon2.outdated(encoded) ? Outcome.MATCH_OUTDATED : Outcome.MATCH;
        }
        if (encoded != null && Bcrypt.handles(encoded)) {
            if (!Bcrypt.verify(password, encoded)) {
                return Outcome.MISMATCH;
            }
            // bcrypt read only the first 72 bytes: a longer password that matched may be a guess with
            // the right prefix, and re-hashing it would make that guess the password. Kept as it is.
            return password.getBytes(StandardCharsets.UTF_8).length > Bcrypt.MAX_BYTES ? Outcome.MATCH
                    : Outcome.MATCH_OUTDATED;
        }
        argon2.verify(password, decoy);
        return Outcome.MISMATCH;
    }

    @PreDestroy
    void close() {
        worker.close();
    }
}
