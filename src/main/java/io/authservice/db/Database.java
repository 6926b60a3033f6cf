package io.authservice.db;

import io.authservice.config.AuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * PostgreSQL for the service, with a deadline on everything: a request waits at most
 * {@code auth.database.timeout} for the database (connecting, acquiring a connection and its
 * statements together), then fails with {@link DatabaseUnavailable} (503). Domain failures raised
 * inside a transaction pass through unchanged and roll it back.
 */
@Singleton
public class Database {

    private final Pool pool;
    private final Duration timeout;

    Database(Pool pool, AuthConfig config) {
        this.pool = pool;
        this.timeout = config.database().timeout();
    }

    /** One statement in its own implicit transaction: a single round trip. */
    public Uni<RowSet<Row>> execute(String sql, Tuple arguments) {
        return bounded(pool.preparedQuery(sql).execute(arguments));
    }

    /** Runs {@code work} in one transaction: it commits if the Uni succeeds, otherwise rolls back. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return bounded(pool.withTransaction(work));
    }

    /** Puts the deadline on any database operation (Hibernate Reactive's too). */
    public <T> Uni<T> bounded(Uni<T> operation) {
        return operation
                .ifNoItem().after(timeout).failWith(() -> new DatabaseUnavailable("no answer within " + timeout, null))
                .onFailure(Database::unreachable).transform(e -> e instanceof DatabaseUnavailable ? e
                        : new DatabaseUnavailable(e.toString(), e));
    }

    /**
     * Whether a failure means the database could not be asked (refused, reset, closed, timed out,
     * shutting down, overloaded) rather than that it answered with an error.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String state = t instanceof PgException pg ? pg.getSqlState()
                    : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null) { // the server answered: only these classes mean it cannot serve us
                return state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
            }
            if (t instanceof DatabaseUnavailable || t instanceof IOException || t instanceof TimeoutException
                    || t instanceof VertxException) {
                return true;
            }
        }
        return false;
    }
}
