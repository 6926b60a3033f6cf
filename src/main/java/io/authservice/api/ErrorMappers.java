package io.authservice.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.authservice.api.ErrorBody.Violation;
import io.authservice.platform.Failure;
import io.authservice.platform.Failure.Reason;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.DatabaseError;
import io.authservice.platform.db.DatabaseUnavailable;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns everything a client can get wrong into a JSON 4xx; never a stack trace. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /**
     * The HTTP status of each reason a request is refused for: the one place where a failure's
     * status is chosen (docs/API.md).
     */
    public static int status(Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST,
                    INVALID_GRANT,
                    INVALID_SCOPE,
                    INVALID_CLIENT_METADATA,
                    UNSUPPORTED_GRANT_TYPE,
                    GRANT_NOT_PERMITTED ->
                    400;
            case INVALID_CLIENT -> 401;
            case ENDPOINT_NOT_PERMITTED,
                    INSUFFICIENT_SCOPE,
                    FORBIDDEN,
                    INVALID_ORIGIN,
                    REGISTRATION_DISABLED,
                    ACCOUNT_DISABLED,
                    OWN_ACCOUNT ->
                    403;
            case NOT_FOUND -> 404;
            case USERNAME_TAKEN,
                    CLIENT_ID_TAKEN,
                    LAST_ADMIN,
                    PASSWORD_CHANGED,
                    KEYS_MANAGED_BY_FILES ->
                    409;
            case TOO_MANY_REQUESTS -> 429;
            case TEMPORARILY_UNAVAILABLE -> 503;
        };
    }

    @ServerExceptionMapper
    public Response failure(Failure e) {
        int status = status(e.reason);
        Response.ResponseBuilder answer = json(status, new ErrorBody(e.code(), e.getMessage()));
        if (e.retryAfter > 0) {
            answer.header(HttpHeaders.RETRY_AFTER, e.retryAfter);
        }
        if (status == 401) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"oauth2\"");
        }
        return answer.build();
    }

    @ServerExceptionMapper
    public Response invalidBody(ConstraintViolationException e) {
        List<Violation> violations =
                e.getConstraintViolations().stream()
                        .map(v -> new Violation(field(v.getPropertyPath()), v.getMessage()))
                        .sorted(
                                Comparator.comparing(Violation::field)
                                        .thenComparing(Violation::message))
                        .toList();
        return json(
                        status(Reason.INVALID_REQUEST),
                        new ErrorBody(
                                Reason.INVALID_REQUEST.code,
                                "the request has invalid fields",
                                violations))
                .build();
    }

    /** Named explicitly so that it wins over Quarkus' built-in mapper for mismatched input. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response malformedJson(Exception e) {
        return failure(Failure.invalidRequest("the body is not valid JSON of the expected shape"));
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = code(status);
        String description =
                status >= 500
                        ? "the server could not answer"
                        : e.getCause() instanceof JsonProcessingException
                                ? "the body is not valid JSON of the expected shape"
                                : e.getMessage();
        return json(status, new ErrorBody(code, description)).build();
    }

    /** The {@code error} of a status that the framework, not the service, chose. */
    static String code(int status) {
        return switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            default -> status < 500 ? "invalid_request" : "server_error";
        };
    }

    /**
     * RFC 6750 §3: a missing token gets a bare challenge, a bad one {@code error="invalid_token"}.
     */
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        boolean presented = authorization != null && !authorization.isBlank();
        return json(
                        401,
                        new ErrorBody(
                                presented ? "invalid_token" : "unauthorized",
                                presented
                                        ? "the access token is not valid"
                                        : "an access token is required"))
                .header(
                        HttpHeaders.WWW_AUTHENTICATE,
                        presented
                                ? "Bearer error=\"invalid_token\", error_description=\"the access token is not valid\""
                                : "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return failure(new Failure(Reason.FORBIDDEN, "the access token does not grant this"));
    }

    /**
     * A safety net behind validation: PostgreSQL refusing a value a client sent (SQLSTATE class 22,
     * data exception, e.g. 22021 for a NUL byte) is the client's error. Anything else stays
     * unexpected.
     */
    @ServerExceptionMapper
    public Response dataException(RuntimeException e) {
        if (DatabaseError.of(e) != DatabaseError.INVALID_VALUE) {
            return unexpected(e);
        }
        LOG.warnf("the database refused a value that validation let through: %s", e.getMessage());
        return failure(Failure.invalidRequest("the request holds a value that cannot be stored"));
    }

    /** RFC 6749 §5.2 / API.md: the database could not be asked; the client may retry. */
    @ServerExceptionMapper
    public Response databaseUnavailable(DatabaseUnavailable e) {
        LOG.warnf("database unavailable: %s", e.getMessage());
        return failure(Failure.temporarilyUnavailable("the service is temporarily unavailable"));
    }

    /**
     * Anything else is the server's fault: 503 if the database could not be reached, otherwise 500;
     * either way a JSON body without details, and the details in the log.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Database.unreachable(e)) {
            return databaseUnavailable(new DatabaseUnavailable(e.toString(), e));
        }
        LOG.error("unexpected failure", e);
        return json(500, new ErrorBody("server_error", "the server could not answer")).build();
    }

    /**
     * The JSON name of the field a violation is about: the last node of its path, in the API's
     * snake case ({@code changePassword.change.newPassword} → {@code new_password}).
     */
    private static String field(Path path) {
        String field = "";
        for (Path.Node node : path) {
            field = node.getName();
        }
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    static Response.ResponseBuilder json(int status, ErrorBody body) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(body);
    }
}
