package io.authservice.api;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.authservice.platform.Failure;
import io.authservice.platform.Failure.Reason;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How refusals are answered: each reason with its documented status and code (docs/API.md), and
 * PostgreSQL's data exceptions (SQLSTATE class 22) as the client's errors, nothing else.
 */
class ErrorMappersTest {

    private final ErrorMappers mappers = new ErrorMappers();

    /** docs/API.md: the status and {@code error} each reason is answered with. */
    private static final Map<Reason, String> DOCUMENTED =
            Map.ofEntries(
                    Map.entry(Reason.INVALID_REQUEST, "400 invalid_request"),
                    Map.entry(Reason.INVALID_GRANT, "400 invalid_grant"),
                    Map.entry(Reason.INVALID_SCOPE, "400 invalid_scope"),
                    Map.entry(Reason.INVALID_CLIENT_METADATA, "400 invalid_client_metadata"),
                    Map.entry(Reason.UNSUPPORTED_GRANT_TYPE, "400 unsupported_grant_type"),
                    // RFC 6749 §5.2: a grant the client may not use, at the token endpoint
                    Map.entry(Reason.GRANT_NOT_PERMITTED, "400 unauthorized_client"),
                    Map.entry(Reason.INVALID_CLIENT, "401 invalid_client"),
                    // introspection: the credentials are right, the permission is missing
                    Map.entry(Reason.ENDPOINT_NOT_PERMITTED, "403 unauthorized_client"),
                    Map.entry(Reason.INSUFFICIENT_SCOPE, "403 insufficient_scope"),
                    Map.entry(Reason.FORBIDDEN, "403 forbidden"),
                    Map.entry(Reason.INVALID_ORIGIN, "403 invalid_origin"),
                    Map.entry(Reason.REGISTRATION_DISABLED, "403 registration_disabled"),
                    Map.entry(Reason.ACCOUNT_DISABLED, "403 account_disabled"),
                    Map.entry(Reason.OWN_ACCOUNT, "403 own_account"),
                    Map.entry(Reason.NOT_FOUND, "404 not_found"),
                    Map.entry(Reason.USERNAME_TAKEN, "409 username_taken"),
                    Map.entry(Reason.CLIENT_ID_TAKEN, "409 client_id_taken"),
                    Map.entry(Reason.LAST_ADMIN, "409 last_admin"),
                    Map.entry(Reason.PASSWORD_CHANGED, "409 password_changed"),
                    Map.entry(Reason.KEYS_MANAGED_BY_FILES, "409 keys_managed_by_files"),
                    Map.entry(Reason.TOO_MANY_REQUESTS, "429 too_many_requests"),
                    Map.entry(Reason.TEMPORARILY_UNAVAILABLE, "503 temporarily_unavailable"));

    @Test
    void everyReasonIsAnsweredWithItsDocumentedStatusAndCode() {
        assertEquals(EnumSet.allOf(Reason.class), EnumSet.copyOf(DOCUMENTED.keySet()));
        Map<Reason, String> answered =
                EnumSet.allOf(Reason.class).stream()
                        .collect(
                                Collectors.toMap(
                                        Function.identity(),
                                        reason -> {
                                            Response answer =
                                                    mappers.failure(new Failure(reason, "why"));
                                            ErrorBody body = (ErrorBody) answer.getEntity();
                                            return answer.getStatus() + " " + body.error();
                                        }));
        assertEquals(DOCUMENTED, answered);
    }

    @Test
    void anAnswerCarriesItsDescriptionAndTheHeadersItsReasonNeeds() {
        Response throttled = mappers.failure(Failure.tooManyRequests("slow down", 7));
        Response unavailable = mappers.failure(Failure.temporarilyUnavailable("busy"));
        Response badClient = mappers.failure(new Failure(Reason.INVALID_CLIENT, "no"));
        Response badRequest = mappers.failure(Failure.invalidRequest("missing parameter: x"));
        assertAll(
                () -> assertEquals("7", throttled.getHeaderString(HttpHeaders.RETRY_AFTER)),
                () -> assertEquals("1", unavailable.getHeaderString(HttpHeaders.RETRY_AFTER)),
                () ->
                        assertEquals(
                                "Basic realm=\"oauth2\"",
                                badClient.getHeaderString(HttpHeaders.WWW_AUTHENTICATE)),
                () -> assertNull(badRequest.getHeaderString(HttpHeaders.WWW_AUTHENTICATE)),
                () -> assertNull(badRequest.getHeaderString(HttpHeaders.RETRY_AFTER)),
                () ->
                        assertEquals(
                                "no-store", badRequest.getHeaderString(HttpHeaders.CACHE_CONTROL)),
                () ->
                        assertEquals(
                                new ErrorBody("invalid_request", "missing parameter: x"),
                                badRequest.getEntity()));
    }

    @Test
    void theDatabaseAwayIsTemporarilyUnavailable() {
        Response answer =
                mappers.databaseUnavailable(
                        new io.authservice.platform.db.DatabaseUnavailable("down", null));
        assertEquals(503, answer.getStatus());
        assertEquals("1", answer.getHeaderString(HttpHeaders.RETRY_AFTER));
        assertEquals(
                new ErrorBody("temporarily_unavailable", "the service is temporarily unavailable"),
                answer.getEntity());
    }

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
