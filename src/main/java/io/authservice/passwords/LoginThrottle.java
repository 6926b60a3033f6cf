package io.authservice.passwords;

import io.authservice.config.AuthConfig;
import io.authservice.db.Database;
import io.authservice.web.ApiError;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

/**
 * Throttles password guessing per normalized username, whether or not such a user exists, so the
 * throttle itself does not reveal accounts. After {@code max-failures} consecutive failures the
 * username is locked for {@code throttle-base}, doubling with each further failure up to
 * {@code throttle-max}; a quiet period as long as {@code throttle-max} forgets the failures.
 * Kept in PostgreSQL so every replica counts together.
 */
@Singleton
public class LoginThrottle {

    private final Database database;
    private final int maxFailures;
    private final double baseSeconds;
    private final double maxSeconds;

    LoginThrottle(Database database, AuthConfig config) {
        this.database = database;
        this.maxFailures = config.login().maxFailures();
        this.baseSeconds = config.login().throttleBase().toMillis() / 1000.0;
        this.maxSeconds = config.login().throttleMax().toMillis() / 1000.0;
    }

    /** The failures counted so far; fails with 429 and {@code Retry-After} while locked. */
    public Uni<Integer> check(String username) {
        return database.execute("select failures,"
                        + " ceil(extract(epoch from locked_until - now()))::bigint as wait"
                        + " from login_failures where username = $1",
                        Tuple.of(username))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return 0;
                    }
                    Row row = rows.iterator().next();
                    Long wait = row.getLong("wait");
                    if (wait != null && wait > 0) {
                        throw ApiError.tooManyRequests("too many failed attempts; retry later", wait);
                    }
                    return row.getInteger("failures");
                });
    }

    public Uni<Void> recordFailure(String username) {
        return database.execute("insert into login_failures as lf (username, failures, locked_until)"
                        + " values ($1, 1, case when 1 >= $2 then now() + make_interval(secs => $3) end)"
                        + " on conflict (username) do update set"
                        + " failures = case when lf.updated_at < now() - make_interval(secs => $4)"
                        + "   then 1 else lf.failures + 1 end,"
                        + " locked_until = case when lf.updated_at >= now() - make_interval(secs => $4)"
                        + "   and lf.failures + 1 >= $2"
                        + "   then now() + make_interval(secs => least($3 * power(2, lf.failures + 1 - $2), $4))"
                        + "   end,"
                        + " updated_at = now()",
                        Tuple.of(username, maxFailures, baseSeconds, maxSeconds))
                .replaceWithVoid();
    }

    /** Forgets the failures of a username after a successful login. */
    public Uni<Void> reset(String username, int failures) {
        if (failures == 0) {
            return Uni.createFrom().voidItem();
        }
        return database.execute("delete from login_failures where username = $1",
                        Tuple.of(username))
                .replaceWithVoid();
    }
}
