package io.authservice.maintenance;

import io.authservice.clients.ClientAssertionStore;
import io.authservice.passwords.LoginFailureStore;
import io.authservice.platform.db.AdvisoryLock;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.authservice.sessions.SessionStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes what can no longer matter, so the tables do not grow without end: ended sessions ({@link
 * SessionStore#purge}), login failures that no longer count ({@link LoginFailureStore#purge}) and
 * expired client assertions ({@link ClientAssertionStore#purge}), each by the store of what it
 * deletes, in one transaction. One replica at a time (advisory lock); the others skip the round.
 */
@Singleton
public class Purge {

    private static final Logger LOG = Logger.getLogger(Purge.class);

    /** The advisory lock of the purge ("authpurg"). */
    private static final long LOCK = 0x6175746870757267L;

    /**
     * A purge is background work and may delete many rows; the stall timeout still bounds each
     * statement.
     */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Database database;
    private final SessionStore sessionStore;
    private final LoginFailureStore loginFailures;
    private final ClientAssertionStore clientAssertions;

    Purge(
            Database database,
            SessionStore sessionStore,
            LoginFailureStore loginFailures,
            ClientAssertionStore clientAssertions) {
        this.database = database;
        this.sessionStore = sessionStore;
        this.loginFailures = loginFailures;
        this.clientAssertions = clientAssertions;
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

    /** Returns the number of sessions deleted, or -1 when another replica holds the lock. */
    public Uni<Integer> purge() {
        return database.inTransaction(
                        DEADLINE,
                        conn ->
                                AdvisoryLock.tryTake(conn, LOCK)
                                        .chain(
                                                locked ->
                                                        locked
                                                                ? purgeAll(conn)
                                                                : Uni.createFrom().item(-1)))
                .invoke(
                        n -> {
                            if (n > 0) {
                                LOG.infof("purged %d ended sessions", n);
                            }
                        });
    }

    /** Each store deletes what it keeps; answers the number of sessions deleted. */
    private Uni<Integer> purgeAll(Transaction conn) {
        return sessionStore
                .purge(conn)
                .call(() -> loginFailures.purge(conn))
                .call(() -> clientAssertions.purge(conn));
    }
}
