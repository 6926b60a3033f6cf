package io.authservice.platform;

/**
 * A request the service refuses, for a {@link Reason} that names its protocol error code; the API
 * answers it as {@code {"error": code, "error_description": description}} (RFC 6749 §5.2 shape,
 * used on every endpoint), with the HTTP status it chooses for the reason.
 */
public class Failure extends RuntimeException {

    /**
     * Why a request is refused. Two reasons may share a code where the protocol answers it
     * differently at different endpoints.
     */
    public enum Reason {
        INVALID_REQUEST("invalid_request"),
        INVALID_GRANT("invalid_grant"),
        INVALID_SCOPE("invalid_scope"),
        /** Client authentication failed (RFC 6749 §5.2). */
        INVALID_CLIENT("invalid_client"),
        INVALID_CLIENT_METADATA("invalid_client_metadata"),
        UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
        /** The client may not use the grant it asks for (RFC 6749 §5.2, at the token endpoint). */
        GRANT_NOT_PERMITTED("unauthorized_client"),
        /** The authenticated client may not use this endpoint (e.g. introspection). */
        ENDPOINT_NOT_PERMITTED("unauthorized_client"),
        /** RFC 6750 §3.1: the token lacks a scope the resource needs. */
        INSUFFICIENT_SCOPE("insufficient_scope"),
        /** The caller is not allowed to do this. */
        FORBIDDEN("forbidden"),
        /** A request using the refresh-token cookie from an origin the client does not allow. */
        INVALID_ORIGIN("invalid_origin"),
        REGISTRATION_DISABLED("registration_disabled"),
        ACCOUNT_DISABLED("account_disabled"),
        /** An administrator acting on their own account. */
        OWN_ACCOUNT("own_account"),
        NOT_FOUND("not_found"),
        USERNAME_TAKEN("username_taken"),
        CLIENT_ID_TAKEN("client_id_taken"),
        LAST_ADMIN("last_admin"),
        /** The password changed between its check and its replacement. */
        PASSWORD_CHANGED("password_changed"),
        KEYS_MANAGED_BY_FILES("keys_managed_by_files"),
        TOO_MANY_REQUESTS("too_many_requests"),
        /** A transient condition (a conflict, the database away) that a retry resolves. */
        TEMPORARILY_UNAVAILABLE("temporarily_unavailable");

        /** The {@code error} of the answer. */
        public final String code;

        Reason(String code) {
            this.code = code;
        }
    }

    public final Reason reason;

    /** Seconds for {@code Retry-After}, or 0. */
    public final long retryAfter;

    public Failure(Reason reason, String description, long retryAfter) {
        super(description, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Failure(Reason reason, String description) {
        this(reason, description, 0);
    }

    public String code() {
        return reason.code;
    }

    public static Failure invalidRequest(String description) {
        return new Failure(Reason.INVALID_REQUEST, description);
    }

    public static Failure invalidGrant(String description) {
        return new Failure(Reason.INVALID_GRANT, description);
    }

    public static Failure invalidScope(String description) {
        return new Failure(Reason.INVALID_SCOPE, description);
    }

    public static Failure notFound(String description) {
        return new Failure(Reason.NOT_FOUND, description);
    }

    /** With {@code Retry-After: 1}: a transient conflict that a retry resolves. */
    public static Failure temporarilyUnavailable(String description) {
        return new Failure(Reason.TEMPORARILY_UNAVAILABLE, description, 1);
    }

    public static Failure tooManyRequests(String description, long retryAfterSeconds) {
        return new Failure(Reason.TOO_MANY_REQUESTS, description, Math.max(1, retryAfterSeconds));
    }
}
