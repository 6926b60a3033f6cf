package io.authservice.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorMappersTest {

    @Test
    void anUnreachableDatabaseIsTold503() {
        assertTrue(ErrorMappers.databaseUnreachable(new CompletionException(new ConnectException("refused"))));
        assertTrue(ErrorMappers.databaseUnreachable(new PgException("shutting down", "FATAL", "57P01", "")));
        assertTrue(ErrorMappers.databaseUnreachable(new PgException("lost", "FATAL", "08006", "")));
        assertFalse(ErrorMappers.databaseUnreachable(new PgException("dup", "ERROR", "23505", "")));
        assertFalse(ErrorMappers.databaseUnreachable(new IllegalStateException("bug")));
    }
}
