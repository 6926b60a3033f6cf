package io.authservice.passwords;

import io.authservice.config.LoginConfig;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.Function;

/** Every statement on the login failures that {@link LoginThrottle} counts. */
@Singleton
public class LoginFailureStore {

    /** Counts one attempt of a pair unless it is locked; returns no row while it is locked. */
    private static final String RESERVE_PAIR =
            "insert into login_failures as lf (username, source, failures, locked_until)"
                    + " values ($1, $2, 1, case when 1 >= $3 then now() + make_interval(secs => $4) end)"
                    + " on conflict (username, source) do update set"
                    + " failures = case when lf.updated_at < now() - make_interval(secs => $5) then 1 else lf.failures + 1 end,"
                    + " locked_until = case when lf.updated_at >= now() - make_interval(secs => $5) and lf.failures + 1 >= $3"
                    + "   then now() + make_interval(secs => least($4 * power(2, lf.failures + 1 - $3), $5)) end,"
                    + " updated_at = now()"
                    + " where lf.locked_until is null or lf.locked_until <= now()"
                    + " returning coalesce(succeeded_at > now() - make_interval(secs => $6), false) as known";

    /**
     * Counts a stranger's attempt on the account unless the account limit holds; returns no row
     * while it does. A count that ended its window, or lay quiet for one, starts afresh.
     */
    private static final String RESERVE_ACCOUNT =
            "insert into login_failures as lf (username, source, failures, locked_until)"
                    + " values ($1, '', 1, case when 1 >= $2 then now() + make_interval(secs => $3) end)"
                    + " on conflict (username, source) do update set"
                    + " failures = case when lf.updated_at < now() - make_interval(secs => $3) or lf.locked_until <= now()"
                    + "   then 1 else lf.failures + 1 end,"
                    + " locked_until = case when lf.updated_at < now() - make_interval(secs => $3) or lf.locked_until <= now()"
                    + "   then case when 1 >= $2 then now() + make_interval(secs => $3) end"
                    + "   when lf.failures + 1 >= $2 then now() + make_interval(secs => $3) end,"
                    + " updated_at = now()"
                    + " where lf.locked_until is null or lf.locked_until <= now()"
                    + " returning failures";

    private static final String FORGET =
            "delete from login_failures where username = $1 and source = $2";

    private final Database database;

    private final double forgetAfterSeconds;
    private final double knownSeconds;

    LoginFailureStore(Database database, LoginConfig config) {
        this.database = database;
        LoginConfig login = config;
        this.forgetAfterSeconds =
                Math.max(login.throttleMax().toMillis(), login.accountLimitWindow().toMillis())
                        / 1000.0;
        this.knownSeconds = login.knownDeviceLifetime().toMillis() / 1000.0;
    }

    /**
     * Forgets what no longer counts, in the caller's transaction: quiet pairs whose source is no
     * longer known, and accounts' counts that outlived their window (those of usernames nobody has
     * too).
     */
    public Uni<Void> purge(Transaction conn) {
        return conn.preparedQuery(
                        "delete from login_failures where updated_at < now() - make_interval(secs => $1)"
                                + " and (locked_until is null or locked_until < now())"
                                + " and (succeeded_at is null or succeeded_at < now() - make_interval(secs => $2))")
                .execute(Tuple.of(forgetAfterSeconds, knownSeconds))
                .replaceWithVoid();
    }

    /**
     * Counts one attempt of the pair unless it is locked: whether the source logged in to the
     * account before, or empty while the pair is locked.
     */
    Uni<Optional<Boolean>> reservePair(
            String username,
            String source,
            int maxFailures,
            double baseSeconds,
            double maxSeconds,
            double knownSeconds) {
        return database.execute(
                        RESERVE_PAIR,
                        Tuple.of(
                                username,
                                source,
                                maxFailures,
                                baseSeconds,
                                maxSeconds,
                                knownSeconds))
                .map(rows -> first(rows, row -> row.getBoolean("known")));
    }

    /**
     * Counts a stranger's attempt on the account unless the account limit holds: the failures
     * counted, or empty while the limit holds.
     */
    Uni<Optional<Integer>> reserveAccount(
            String username, int maxAccountFailures, double windowSeconds) {
        return database.execute(
                        RESERVE_ACCOUNT, Tuple.of(username, maxAccountFailures, windowSeconds))
                .map(rows -> first(rows, row -> row.getInteger("failures")));
    }

    /** Whole seconds until the pair's lock ends, at least 1. */
    Uni<Long> lockedFor(String username, String source) {
        return database.execute(
                        "select ceil(extract(epoch from locked_until - now()))::bigint from login_failures"
                                + " where username = $1 and source = $2",
                        Tuple.of(username, source))
                .map(rows -> first(rows, row -> row.getLong(0)).filter(s -> s >= 1).orElse(1L));
    }

    /** A lock the pair's reservation set starts again from now. */
    Uni<Void> relock(
            String username,
            String source,
            int maxFailures,
            double baseSeconds,
            double maxSeconds) {
        return database.execute(
                        "update login_failures set locked_until = greatest(locked_until,"
                                + " now() + make_interval(secs => least($4 * power(2, failures - $3), $5)))"
                                + " where username = $1 and source = $2 and locked_until is not null",
                        Tuple.of(username, source, maxFailures, baseSeconds, maxSeconds))
                .replaceWithVoid();
    }

    /** The pair's count and lock reset, the source known from now, in the caller's transaction. */
    Uni<Void> succeeded(Transaction conn, String username, String source) {
        return conn.preparedQuery(
                        "update login_failures set failures = 0,"
                                + " locked_until = null, succeeded_at = now(), updated_at = now()"
                                + " where username = $1 and source = $2")
                .execute(Tuple.of(username, source))
                .replaceWithVoid();
    }

    /** The pair forgotten. */
    Uni<Void> forget(String username, String source) {
        return database.execute(FORGET, Tuple.of(username, source)).replaceWithVoid();
    }

    /** The pair forgotten, in the caller's transaction. */
    Uni<Void> forget(Transaction conn, String username, String source) {
        return conn.preparedQuery(FORGET).execute(Tuple.of(username, source)).replaceWithVoid();
    }

    /** Strangers' failures on the account within the window, and the end of its limit. */
    Uni<LoginThrottle.AccountLimit> accountLimit(String username, double windowSeconds) {
        return database.execute(
                        "select failures, locked_until from login_failures where username = $1 and source = ''"
                                + " and updated_at >= now() - make_interval(secs => $2) and (locked_until is null or locked_until > now())",
                        Tuple.of(username, windowSeconds))
                .map(
                        rows ->
                                first(
                                                rows,
                                                row ->
                                                        new LoginThrottle.AccountLimit(
                                                                row.getInteger("failures"),
                                                                Optional.ofNullable(
                                                                        row.getOffsetDateTime(
                                                                                "locked_until"))))
                                        .orElse(
                                                new LoginThrottle.AccountLimit(
                                                        0, Optional.empty())));
    }

    /** The first row read, or empty when there is none (or its value is null). */
    private static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> read) {
        RowIterator<Row> it = rows.iterator();
        return it.hasNext() ? Optional.ofNullable(read.apply(it.next())) : Optional.empty();
    }
}
