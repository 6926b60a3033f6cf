package io.authservice.clients;

import io.authservice.config.LoginConfig;
import io.authservice.platform.Failure;
import io.authservice.platform.SourceKey;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed client authentications per (client_id, address): after {@code auth.login.max-failures} in
 * a row that address is locked out of that client for {@code auth.login.throttle-base}, doubling up
 * to {@code auth.login.throttle-max}. A secret has 256 bits and cannot be guessed; this keeps a
 * wrong configuration or a probe from costing the database a lookup per request. In memory, per
 * replica, so a successful authentication costs nothing here.
 */
@Singleton
public class ClientThrottle {

    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, long lockedUntil) {}

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final long baseNanos;
    private final long maxNanos;

    ClientThrottle(LoginConfig config) {
        this.maxFailures = Math.max(1, config.maxFailures());
        this.baseNanos = config.throttleBase().toNanos();
        this.maxNanos = config.throttleMax().toNanos();
    }

    /** Fails with {@code too_many_requests} while {@code clientId} is locked for {@code source}. */
    void check(String clientId, String source) {
        Failures f = failures.get(key(clientId, source));
        long wait = f == null ? 0 : f.lockedUntil - System.nanoTime();
        if (wait > 0) {
            throw Failure.tooManyRequests(
                    "too many failed client authentications; retry later",
                    (wait + 999_999_999L) / 1_000_000_000L);
        }
    }

    void failed(String clientId, String source) {
        if (failures.size() > MAX_ENTRIES) {
            failures.clear(); // a flood of made-up ids: start afresh rather than grow without bound
        }
        failures.compute(
                key(clientId, source),
                (k, f) -> {
                    int count = f == null ? 1 : f.count + 1;
                    int over = count - maxFailures;
                    long lock = over < 0 ? 0 : Math.min(maxNanos, baseNanos << Math.min(over, 30));
                    return new Failures(count, lock == 0 ? 0 : System.nanoTime() + lock);
                });
    }

    void succeeded(String clientId, String source) {
        if (!failures.isEmpty()) {
            failures.remove(key(clientId, source));
        }
    }

    private static String key(String clientId, String source) {
        return clientId + '\n' + SourceKey.of(source);
    }
}
