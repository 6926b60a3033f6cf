package io.authservice.platform.db;

import static io.authservice.platform.db.DatabaseError.DUPLICATE;
import static io.authservice.platform.db.DatabaseError.INVALID_VALUE;
import static io.authservice.platform.db.DatabaseError.OTHER;
import static io.authservice.platform.db.DatabaseError.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DatabaseErrorTest {

    @Test
    void anUnreachableDatabaseIsUnavailable() {
        assertEquals(UNAVAILABLE, of(new CompletionException(new ConnectException("refused"))));
        assertEquals(UNAVAILABLE, of(new PgException("shutting down", "FATAL", "57P01", "")));
        assertEquals(UNAVAILABLE, of(new PgException("lost", "FATAL", "08006", "")));
        assertEquals(UNAVAILABLE, of(new PgException("too many", "FATAL", "53300", "")));
        assertEquals(UNAVAILABLE, of(new VertxException("Connection is not active now")));
        assertEquals(UNAVAILABLE, of(new SocketException("Connection reset")));
        assertEquals(UNAVAILABLE, of(new NoStackTraceThrowable("Timeout")));
        assertEquals(
                UNAVAILABLE,
                of(new NoStackTraceThrowable("Connection is not active now, current status: x")));
    }

    @Test
    void anAnswerOfTheDatabaseSaysWhatWasWrong() {
        assertEquals(DUPLICATE, of(new CompletionException(pg("23505"))));
        assertEquals(INVALID_VALUE, of(pg("22021")));
        assertEquals(INVALID_VALUE, of(new RuntimeException(new SQLException("x", "22P02"))));
        assertEquals(OTHER, of(pg("42P01")));
        assertEquals(OTHER, of(new IllegalStateException("bug")));
    }

    private static PgException pg(String state) {
        return new PgException("refused", "ERROR", state, "");
    }

    private static DatabaseError of(Throwable failure) {
        return DatabaseError.of(failure);
    }
}
