package io.authservice.platform.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void anUnreachableDatabaseIsTold503() {
        assertTrue(Database.unreachable(new CompletionException(new ConnectException("refused"))));
        assertTrue(Database.unreachable(new PgException("shutting down", "FATAL", "57P01", "")));
        assertTrue(Database.unreachable(new PgException("lost", "FATAL", "08006", "")));
        assertFalse(Database.unreachable(new PgException("dup", "ERROR", "23505", "")));
        assertTrue(
                Database.unreachable(
                        new io.vertx.core.VertxException("Connection is not active now")));
        assertTrue(Database.unreachable(new java.net.SocketException("Connection reset")));
        assertTrue(Database.unreachable(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
        assertTrue(
                Database.unreachable(
                        new io.vertx.core.impl.NoStackTraceThrowable(
                                "Connection is not active now, current status: CLOSED")));
        assertFalse(Database.unreachable(new IllegalStateException("bug")));
    }
}
