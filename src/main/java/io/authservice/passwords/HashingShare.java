package io.authservice.passwords;

import io.authservice.config.AuthConfig;
import io.authservice.passwords.PasswordHasher.Outcome;
import io.authservice.web.ApiError;
import io.authservice.web.ClientAddress;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Fair shares of the hashing pool between clients: one client address may have at most
 * {@code auth.passwords.hashing-per-address} hash jobs queued or running at once; beyond that it
 * gets 429, so a flood from one address leaves the pool's queue to everybody else.
 */
@Singleton
public class HashingShare {

    private final PasswordHasher hasher;
    private final int perAddress;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    HashingShare(PasswordHasher hasher, AuthConfig config) {
        this.hasher = hasher;
        this.perAddress = config.passwords().hashingPerAddress();
    }

    public Uni<Outcome> verify(String source, String password, String encoded) {
        return shared(source, () -> hasher.verify(password, encoded));
    }

    public Uni<String> hash(String source, String password) {
        return shared(source, () -> hasher.hash(password));
    }

    private <T> Uni<T> shared(String address, Supplier<Uni<T>> work) {
        String source = ClientAddress.source(address);
        return Uni.createFrom().deferred(() -> {
            if (!acquire(source)) {
                return Uni.createFrom().failure(ApiError.tooManyRequests(
                        "too many password checks from this address at once; retry shortly", 1));
            }
            return work.get().onTermination().invoke(() -> release(source));
        });
    }

    private boolean acquire(String source) {
        boolean[] granted = {false};
        inFlight.compute(source, (address, n) -> {
            int count = n == null ? 0 : n;
            granted[0] = count < perAddress;
            return granted[0] ? count + 1 : n;
        });
        return granted[0];
    }

    private void release(String source) {
        inFlight.computeIfPresent(source, (address, n) -> n <= 1 ? null : n - 1);
    }
}
