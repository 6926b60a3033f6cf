package io.authservice.passwords;

import io.authservice.config.AuthConfig;
import io.authservice.db.Database;
import io.authservice.web.ApiError;
import io.authservice.web.ClientAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Throttles password guessing, whether or not the username exists, so the throttle itself does not
 * reveal accounts. Each attempt is reserved before its password is hashed, in one statement per
 * counter, so parallel guesses cannot all pass a check that reads zero; a success resets.
 * <ul>
 * <li>Per username and client address: after {@code max-failures} consecutive failures that address
 * is locked for {@code throttle-base}, doubling with each further attempt up to {@code throttle-max}
 * (429 with {@code Retry-After}); a quiet period as long as {@code throttle-max} forgets them.</li>
 * <li>Per username alone, never a lock the owner cannot pass: beyond {@code max-failures} consecutive
 * failures each attempt from an address that never logged in to the account waits, doubling up to
 * {@code account-delay-max}. After {@code max-account-failures} (NIST SP 800-63B-4: at most 100)
 * only addresses with a successful login in the last 30 days may still try, until a success from one
 * of them or an administrator enabling the user resets the count.</li>
 * </ul>
 * Kept in PostgreSQL so every replica counts together.
 */
@Singleton
public class LoginThrottle {

    /** A reserved attempt; report its success with {@link #succeeded}. */
    public record Attempt(String username, String source) {}

    /** How long an address that logged in to an account stays known to it. */
    public static final String KNOWN_FOR = "30 days";
    private static final String ACCOUNT = "";

    /** Counts one attempt of a pair unless it is locked; returns no row while it is locked. */
    private static final String RESERVE_PAIR = "insert into login_failures as lf (username, source, failures, locked_until)"
            + " values ($1, $2, 1, case when 1 >= $3 then now() + make_interval(secs => $4) end)"
            + " on conflict (username, source) do update set"
            + " failures = case when lf.updated_at < now() - make_interval(secs => $5) then 1 else lf.failures + 1 end,"
            + " locked_until = case when lf.updated_at >= now() - make_interval(secs => $5) and lf.failures + 1 >= $3"
            + "   then now() + make_interval(secs => least($4 * power(2, lf.failures + 1 - $3), $5)) end,"
            + " updated_at = now()"
            + " where lf.locked_until is null or lf.locked_until <= now()"
            + " returning coalesce(succeeded_at > now() - interval '" + KNOWN_FOR + "', false) as known";

    /** Counts one attempt on the account unless it reached the cap and the source is unknown. */
    private static final String RESERVE_ACCOUNT = "insert into login_failures as lf (username, source, failures)"
            + " values ($1, '', 1)"
            + " on conflict (username, source) do update set failures = lf.failures + 1, updated_at = now()"
            + " where lf.failures < $2 or $3"
            + " returning failures";

    private final Database database;
    private final int maxFailures;
    private final int maxAccountFailures;
    private final double baseSeconds;
    private final double maxSeconds;
    private final Duration accountDelayMax;

    LoginThrottle(Database database, AuthConfig config) {
        this.database = database;
        this.maxFailures = config.login().maxFailures();
        this.maxAccountFailures = config.login().maxAccountFailures();
        this.baseSeconds = config.login().throttleBase().toMillis() / 1000.0;
        this.maxSeconds = config.login().throttleMax().toMillis() / 1000.0;
        this.accountDelayMax = config.login().accountDelayMax();
    }

    /**
     * Reserves a login attempt of {@code username} from {@code source}, counted as a failure until
     * {@link #succeeded} says otherwise. Fails with 429 while the pair is locked, with
     * {@code invalid_grant} when the account reached its cap and the source is unknown to it; waits
     * first while the account has failed more than {@code max-failures} times.
     */
    public Uni<Attempt> reserve(String username, String address) {
        String source = ClientAddress.source(address);
        return reservePair(username, source).chain(known -> database
                .execute(RESERVE_ACCOUNT, Tuple.of(username, maxAccountFailures, known))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiError.invalidGrant("too many failed attempts on this account: log in from a device"
                                + " that logged in before, or ask an administrator");
                    }
                    Attempt attempt = new Attempt(username, source);
                    Duration delay = known ? Duration.ZERO : accountDelay(rows.iterator().next().getInteger("failures"));
                    return delay.isZero() ? Uni.createFrom().item(attempt)
                            : Uni.createFrom().item(attempt).onItem().delayIt().by(delay);
                }));
    }

    /**
     * The attempt failed: a lock its reservation set starts again from now, so it lasts as long
     * after the answer however long the hashing took.
     */
    public Uni<Void> failed(Attempt attempt) {
        return database.execute("update login_failures set locked_until = greatest(locked_until,"
                        + " now() + make_interval(secs => least($4 * power(2, failures - $3), $5)))"
                        + " where username = $1 and source = $2 and locked_until is not null",
                        Tuple.of(attempt.username(), attempt.source(), maxFailures, baseSeconds, maxSeconds))
                .replaceWithVoid();
    }

    /** The login succeeded: the account's count and the pair's are reset, and the source is known. */
    public Uni<Void> succeeded(Attempt attempt) {
        return database.inTransaction(conn -> conn.preparedQuery("update login_failures set failures = 0,"
                                + " locked_until = null, succeeded_at = now(), updated_at = now()"
                                + " where username = $1 and source = $2")
                        .execute(Tuple.of(attempt.username(), attempt.source()))
                        .chain(() -> clearAccount(conn, attempt.username())));
    }

    /**
     * Reserves a check of the current password by a signed-in user (a password change): counted per
     * address only, apart from logins, so a burst of logins does not block it.
     */
    public Uni<Attempt> reserveCheck(String username, String address) {
        String key = "password-change " + ClientAddress.source(address);
        return reservePair(username, key).map(known -> new Attempt(username, key));
    }

    /** The checked password was right: the address' count for such checks is forgotten. */
    public Uni<Void> checkSucceeded(Attempt attempt) {
        return database.execute("delete from login_failures where username = $1 and source = $2",
                Tuple.of(attempt.username(), attempt.source())).replaceWithVoid();
    }

    /** An administrator vouches for the user: the account's consecutive failures are forgotten. */
    public Uni<Void> clearAccount(SqlConnection conn, String username) {
        return conn.preparedQuery("delete from login_failures where username = $1 and source = $2")
                .execute(Tuple.of(username, ACCOUNT)).replaceWithVoid();
    }

    /** Whether the source logged in to the account before; fails with 429 while the pair is locked. */
    private Uni<Boolean> reservePair(String username, String source) {
        return database.execute(RESERVE_PAIR, Tuple.of(username, source, maxFailures, baseSeconds, maxSeconds))
                .chain(rows -> rows.iterator().hasNext()
                        ? Uni.createFrom().item(rows.iterator().next().getBoolean("known"))
                        : lockedFor(username, source).map(wait -> {
                            throw ApiError.tooManyRequests("too many failed attempts; retry later", wait);
                        }));
    }

    private Uni<Long> lockedFor(String username, String source) {
        return database.execute("select ceil(extract(epoch from locked_until - now()))::bigint from login_failures"
                        + " where username = $1 and source = $2", Tuple.of(username, source))
                .map(LoginThrottle::firstLong);
    }

    /** The wait before an attempt on an account with this many failures, this one included. */
    private Duration accountDelay(int failures) {
        int beyond = failures - maxFailures;
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        double seconds = baseSeconds * Math.pow(2, Math.min(beyond - 1, 30));
        Duration delay = Duration.ofMillis((long) (seconds * 1000));
        return delay.compareTo(accountDelayMax) > 0 ? accountDelayMax : delay;
    }

    private static long firstLong(RowSet<Row> rows) {
        Long value = rows.iterator().hasNext() ? rows.iterator().next().getLong(0) : null;
        return value == null ? 1 : value;
    }
}
