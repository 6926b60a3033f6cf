package io.authservice.platform.db;

import io.authservice.config.DatabaseConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Function;

/**
 * PostgreSQL for the service, with a deadline on everything: a request waits at most {@code
 * auth.database.timeout} for the database (connecting, acquiring a connection and its statements
 * together), then fails with {@link DatabaseUnavailable} (503). Domain failures raised inside a
 * transaction pass through unchanged and roll it back.
 */
@Singleton
public class Database {

    private final Pool pool;
    private final Duration timeout;

    Database(Pool pool, DatabaseConfig config) {
        this.pool = pool;
        this.timeout = config.timeout();
    }

    /**
     * One statement in its own implicit transaction: a single round trip. If the deadline passed
     * while a connection was being acquired, the statement is not sent at all.
     */
    public Uni<RowSet<Row>> execute(String sql, Tuple arguments) {
        return Uni.createFrom()
                .deferred(
                        () -> {
                            Lease lease = new Lease();
                            return bounded(
                                    pool.withConnection(
                                            conn ->
                                                    lease.hold(conn)
                                                            ? conn.preparedQuery(sql)
                                                                    .execute(arguments)
                                                            : late()),
                                    lease,
                                    timeout);
                        });
    }

    /**
     * Runs {@code work} in one transaction: it commits if the Uni succeeds, otherwise rolls back.
     * Once the caller has been told 503 (the deadline passed, or it went away), the transaction
     * does not commit: work that is still running when its connection comes back rolls back, so an
     * answered failure leaves nothing behind (unless the commit itself was already on its way).
     */
    public <T> Uni<T> inTransaction(Function<Transaction, Uni<T>> work) {
        return inTransaction(timeout, work);
    }

    /**
     * {@link #inTransaction(Function)} with a longer deadline, for background work that computes
     * inside its transaction (key generation), never for a request a client waits on.
     */
    public <T> Uni<T> inTransaction(Duration deadline, Function<Transaction, Uni<T>> work) {
        return Uni.createFrom()
                .deferred(
                        () -> {
                            Lease lease = new Lease();
                            return bounded(
                                    pool.withTransaction(
                                            conn ->
                                                    !lease.hold(conn)
                                                            ? Database.<T>late()
                                                            : work.apply(new Transaction(conn))
                                                                    .chain(
                                                                            result ->
                                                                                    lease
                                                                                                    .abandoned()
                                                                                            ? Database
                                                                                                    .<T>
                                                                                                            late()
                                                                                            : Uni
                                                                                                    .createFrom()
                                                                                                    .item(
                                                                                                            result))),
                                    lease,
                                    deadline);
                        });
    }

    /**
     * Start-up work (the schema's first reads, the first key, the bootstrap administrator): a
     * database slow to answer at first (a cold pool, a loaded node) is retried for up to a minute
     * instead of failing the start; requests never retry, they answer 503.
     */
    public static <T> Uni<T> retriedAtStart(Uni<T> work, String what) {
        return work.onFailure(DatabaseUnavailable.class)
                .invoke(
                        e ->
                                org.jboss.logging.Logger.getLogger(Database.class)
                                        .warnf(
                                                "%s: the database did not answer (%s); retrying",
                                                what, e.getMessage()))
                .onFailure(DatabaseUnavailable.class)
                .retry()
                .withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2))
                .expireIn(60_000);
    }

    /** Puts the deadline on any database operation. */
    public <T> Uni<T> bounded(Uni<T> operation) {
        return bounded(operation, new Lease(), timeout);
    }

    private <T> Uni<T> bounded(Uni<T> operation, Lease lease, Duration deadline) {
        return operation
                .onCancellation()
                .invoke(lease::abandon)
                .ifNoItem()
                .after(deadline)
                .failWith(
                        () -> {
                            lease.abandon();
                            return new DatabaseUnavailable("no answer within " + deadline, null);
                        })
                .onFailure(Database::unreachable)
                .transform(
                        e ->
                                e instanceof DatabaseUnavailable
                                        ? e
                                        : new DatabaseUnavailable(e.toString(), e));
    }

    /**
     * The connection an operation holds, and whether its caller has given up on it. Giving up
     * closes the connection: whatever it was waiting for (a database that stopped answering, a
     * network that dropped) cannot hold the pool's slot any longer, and PostgreSQL rolls back the
     * open transaction, so nothing commits after the caller was told 503. (The pool's own read-idle
     * timeout does not close a PostgreSQL connection that waits for an answer.)
     */
    private static final class Lease {
        private SqlConnection connection;
        private boolean abandoned;

        /** Takes the connection; false if the caller has already given up. */
        synchronized boolean hold(SqlConnection conn) {
            connection = conn;
            return !abandoned;
        }

        synchronized boolean abandoned() {
            return abandoned;
        }

        void abandon() {
            SqlConnection held;
            synchronized (this) {
                if (abandoned) {
                    return;
                }
                abandoned = true;
                held = connection;
            }
            if (held != null) {
                Connections.destroy(held.getDelegate());
            }
        }
    }

    private static <T> Uni<T> late() {
        return Uni.createFrom()
                .failure(new DatabaseUnavailable("abandoned after the deadline", null));
    }

    /**
     * Whether a failure means the database could not be asked rather than that it answered with an
     * error.
     */
    public static boolean unreachable(Throwable failure) {
        return DatabaseError.of(failure) == DatabaseError.UNAVAILABLE;
    }
}
