package io.authservice.passwords;

import io.authservice.config.LoginConfig;
import io.authservice.platform.Failure;
import io.authservice.platform.SourceKey;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Throttles password guessing, whether or not the username exists, so the throttle itself does not
 * reveal accounts. Each attempt is reserved before its password is hashed, in one statement per
 * counter, so parallel guesses cannot all pass a check that reads zero; a success resets.
 *
 * <ul>
 *   <li>Per username and source (a device token's device, or else the address, IPv6 by its /64):
 *       after {@code max-failures} consecutive failures the source is locked for {@code
 *       throttle-base}, doubling with each further attempt up to {@code throttle-max} (429 with
 *       {@code Retry-After}); a quiet period as long as {@code throttle-max} forgets them.
 *   <li>Per username, for strangers only: a known device (one presenting a device token of the
 *       account, or an address that logged in to it within {@code known-device-lifetime}) is never
 *       counted here nor refused by it. Beyond {@code max-failures} consecutive failures each
 *       stranger's attempt waits, doubling up to {@code account-delay-max}; at {@code
 *       max-account-failures} (NIST SP 800-63B-4: at most 100) strangers get 429 for {@code
 *       account-limit-window}, after which the count starts afresh. A success or an administrator
 *       lifts it at once.
 * </ul>
 *
 * Kept in PostgreSQL so every replica counts together.
 */
@Singleton
public class LoginThrottle {

    /** A reserved attempt; report its outcome with {@link #succeeded} or {@link #failed}. */
    public record Attempt(String username, String source) {}

    /** The account-wide limit as an administrator sees it. */
    public record AccountLimit(int failures, Optional<OffsetDateTime> limitedUntil) {}

    private static final String ACCOUNT = "";
    private static final String DEVICE = "device:";
    private static final String PASSWORD_CHANGE = "password-change";

    private final LoginFailureStore store;
    private final KnownDevices devices;
    private final int maxFailures;
    private final int maxAccountFailures;
    private final double baseSeconds;
    private final double maxSeconds;
    private final double windowSeconds;
    private final double knownSeconds;
    private final Duration accountDelayMax;

    LoginThrottle(LoginFailureStore store, KnownDevices devices, LoginConfig config) {
        this.store = store;
        this.devices = devices;
        this.maxFailures = config.maxFailures();
        this.maxAccountFailures = config.maxAccountFailures();
        this.baseSeconds = seconds(config.throttleBase());
        this.maxSeconds = seconds(config.throttleMax());
        this.windowSeconds = seconds(config.accountLimitWindow());
        this.knownSeconds = seconds(config.knownDeviceLifetime());
        this.accountDelayMax = config.accountDelayMax();
    }

    /**
     * Reserves a login attempt of {@code username} from {@code address}, counted as a failure until
     * {@link #succeeded} says otherwise. A valid {@code deviceToken} of the account makes the
     * device the source, known; otherwise the address is. Fails with {@code too_many_requests}
     * while the source is locked, or while the account limit holds and the source is a stranger;
     * waits first while strangers have failed more than {@code max-failures} times in a row.
     */
    public Uni<Attempt> reserve(String username, String address, String deviceToken) {
        Optional<String> device = devices.verify(deviceToken, username);
        if (device.isPresent()) {
            String source = DEVICE + device.get();
            return reservePair(username, source).map(known -> new Attempt(username, source));
        }
        String source = SourceKey.of(address);
        return reservePair(username, source)
                .chain(
                        known ->
                                known
                                        ? Uni.createFrom().item(new Attempt(username, source))
                                        : reserveAsStranger(new Attempt(username, source)));
    }

    private Uni<Attempt> reserveAsStranger(Attempt attempt) {
        return store.reserveAccount(attempt.username(), maxAccountFailures, windowSeconds)
                .chain(
                        failures -> {
                            if (failures.isEmpty()) {
                                return lockedFor(attempt.username(), ACCOUNT)
                                        .map(
                                                wait -> {
                                                    throw Failure.tooManyRequests(
                                                            "too many failed attempts on this account: log in from a"
                                                                    + " device that logged in before, retry later, or ask an administrator",
                                                            wait);
                                                });
                            }
                            Duration delay = accountDelay(failures.get());
                            return delay.isZero()
                                    ? Uni.createFrom().item(attempt)
                                    : Uni.createFrom().item(attempt).onItem().delayIt().by(delay);
                        });
    }

    /**
     * The attempt failed: a lock its reservation set starts again from now, so it lasts as long
     * after the answer however long the hashing took.
     */
    public Uni<Void> failed(Attempt attempt) {
        return store.relock(
                attempt.username(), attempt.source(), maxFailures, baseSeconds, maxSeconds);
    }

    /**
     * The login succeeded: the account's count and the source's are reset, and the source is known,
     * in the caller's transaction (both or neither).
     */
    public Uni<Void> succeeded(Transaction conn, Attempt attempt) {
        return store.succeeded(conn, attempt.username(), attempt.source())
                .chain(() -> lift(conn, attempt.username()));
    }

    /** A device token for the device that just logged in to {@code username}. */
    public String deviceToken(String username) {
        return devices.issue(username);
    }

    /**
     * Reserves a check of the current password by a signed-in user (a password change): counted per
     * account, apart from logins, so a burst of logins does not block it and a stolen access token
     * buys no more guesses from many addresses than from one.
     */
    public Uni<Attempt> reserveCheck(String username) {
        return reservePair(username, PASSWORD_CHANGE)
                .map(known -> new Attempt(username, PASSWORD_CHANGE));
    }

    /** The checked password was right: the account's count of such checks is forgotten. */
    public Uni<Void> checkSucceeded(Attempt attempt) {
        return store.forget(attempt.username(), attempt.source());
    }

    /**
     * Strangers' consecutive failures on {@code username} and the end of its limit, if it holds.
     */
    public Uni<AccountLimit> accountLimit(String username) {
        return store.accountLimit(username, windowSeconds);
    }

    /**
     * An administrator (or the owner's success) vouches for the account: strangers' failures are
     * forgotten.
     */
    public Uni<Void> lift(Transaction conn, String username) {
        return store.forget(conn, username, ACCOUNT);
    }

    /**
     * Whether the source logged in to the account before; fails with {@code too_many_requests}
     * while the pair is locked.
     */
    private Uni<Boolean> reservePair(String username, String source) {
        return store.reservePair(
                        username, source, maxFailures, baseSeconds, maxSeconds, knownSeconds)
                .chain(
                        known ->
                                known.isPresent()
                                        ? Uni.createFrom().item(known.get())
                                        : lockedFor(username, source)
                                                .map(
                                                        wait -> {
                                                            throw Failure.tooManyRequests(
                                                                    "too many failed attempts; retry later",
                                                                    wait);
                                                        }));
    }

    private Uni<Long> lockedFor(String username, String source) {
        return store.lockedFor(username, source);
    }

    /**
     * The wait before a stranger's attempt on an account with this many failures, this one
     * included.
     */
    private Duration accountDelay(int failures) {
        int beyond = failures - maxFailures;
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        double seconds = baseSeconds * Math.pow(2, Math.min(beyond - 1, 30));
        Duration delay = Duration.ofMillis((long) (seconds * 1000));
        return delay.compareTo(accountDelayMax) > 0 ? accountDelayMax : delay;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
