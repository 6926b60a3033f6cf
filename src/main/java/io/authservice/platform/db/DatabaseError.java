package io.authservice.platform.db;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

/**
 * What a failure of the database means to the service: the one place that reads SQLSTATEs and the
 * SQL client's failures.
 */
public enum DatabaseError {
    /** A unique constraint refused a row (23505): the name or id is taken. */
    DUPLICATE,
    /** PostgreSQL refused a value (class 22, data exception, e.g. 22021 for a NUL byte). */
    INVALID_VALUE,
    /**
     * The database could not be asked: refused, reset, closed, timed out, shutting down, overloaded
     * (classes 08, 53, 57, or no answer at all).
     */
    UNAVAILABLE,
    /** Anything else: a fault of the service. */
    OTHER;

    public static DatabaseError of(Throwable failure) {
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            String state = sqlState(t);
            if (state != null) { // the server answered: its state says what went wrong
                if (state.equals("23505")) {
                    return DUPLICATE;
                }
                if (state.startsWith("22")) {
                    return INVALID_VALUE;
                }
                boolean away =
                        state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
                return away ? UNAVAILABLE : OTHER;
            }
            if (t instanceof DatabaseUnavailable
                    || t instanceof IOException
                    || t instanceof TimeoutException
                    || t instanceof VertxException
                    || Connections.clientSignal(t)) {
                return UNAVAILABLE;
            }
        }
        return OTHER;
    }

    private static String sqlState(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        return t instanceof SQLException sql ? sql.getSQLState() : null;
    }
}
