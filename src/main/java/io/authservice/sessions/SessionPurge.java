package io.authservice.sessions;

import io.authservice.passwords.LoginThrottle;
import io.authservice.platform.db.Database;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes what can no longer matter, so the tables do not grow without end: refresh-token families
 * (with their tokens) a day after they expired or were revoked, and login failures that no longer
 * count ({@link LoginThrottle#purge}). A spent token is kept as long as its family lives: that is
 * how reuse is caught. One replica at a time (advisory lock); the others skip the round.
 */
@Singleton
public class SessionPurge {

    private static final Logger LOG = Logger.getLogger(SessionPurge.class);

    /** The advisory lock of the purge ("authpurg"). */
    private static final long LOCK = 0x6175746870757267L;

    /**
     * A purge is background work and may delete many rows; the stall timeout still bounds each
     * statement.
     */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Database database;
    private final LoginThrottle loginThrottle;

    SessionPurge(Database database, LoginThrottle loginThrottle) {
        this.database = database;
        this.loginThrottle = loginThrottle;
    }

    @Scheduled(
            every = "${auth.tokens.purge-interval}",
            delayed = "PT1M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge().onFailure()
                .invoke(e -> LOG.warnf("purge skipped: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Returns the number of families deleted, or -1 when another replica holds the lock. */
    public Uni<Integer> purge() {
        return database.inTransaction(
                        DEADLINE,
                        conn ->
                                conn.preparedQuery("select pg_try_advisory_xact_lock($1)")
                                        .execute(Tuple.of(LOCK))
                                        .map(rows -> rows.iterator().next().getBoolean(0))
                                        .chain(
                                                locked ->
                                                        !locked
                                                                ? Uni.createFrom().item(-1)
                                                                : conn.query(
                                                                                "delete from refresh_families where expires_at < now() - interval '1 day'"
                                                                                        + " or revoked_at < now() - interval '1 day'")
                                                                        .execute()
                                                                        .map(
                                                                                rows ->
                                                                                        rows
                                                                                                .rowCount())
                                                                        .call(
                                                                                () ->
                                                                                        loginThrottle
                                                                                                .purge(
                                                                                                        conn))
                                                                        .call(
                                                                                () ->
                                                                                        conn.query(
                                                                                                        "delete from client_assertions where expires_at < now() - interval '10 minutes'")
                                                                                                .execute())))
                .invoke(
                        n -> {
                            if (n > 0) {
                                LOG.infof("purged %d ended sessions", n);
                            }
                        });
    }
}
