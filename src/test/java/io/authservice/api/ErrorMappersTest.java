package io.authservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** PostgreSQL's data exceptions (SQLSTATE class 22) are the client's errors; nothing else is. */
class ErrorMappersTest {

    private final ErrorMappers mappers = new ErrorMappers();

    @Test
    void dataExceptionsAnywhereInTheCauseChainAreInvalidRequests() {
        PgException nul =
                new PgException(
                        "invalid byte sequence for encoding \"UTF8\": 0x00",
                        "ERROR",
                        "22021",
                        null);
        assertEquals(400, mappers.dataException(nul).getStatus());
        assertEquals(400, mappers.dataException(new CompletionException(nul)).getStatus());
        assertEquals(
                400,
                mappers.dataException(new IllegalStateException(new SQLException("nul", "22P05")))
                        .getStatus());
        ErrorBody body = (ErrorBody) mappers.dataException(nul).getEntity();
        assertEquals("invalid_request", body.error());
    }

    @Test
    void otherDatabaseFailuresStayServerErrors() {
        PgException unique = new PgException("duplicate key", "ERROR", "23505", null);
        assertEquals(500, mappers.dataException(unique).getStatus());
        assertEquals(
                500,
                mappers.dataException(new IllegalStateException(new SQLException("x", "42P01")))
                        .getStatus());
        assertEquals(
                500,
                mappers.dataException(new IllegalStateException("no database involved"))
                        .getStatus());
    }
}
