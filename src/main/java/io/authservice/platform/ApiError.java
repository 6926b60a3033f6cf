package io.authservice.platform;

import jakarta.ws.rs.core.Response.Status;

/**
 * An error a client caused, answered as {@code {"error": code, "error_description": description}}
 * (RFC 6749 §5.2 shape, used on every endpoint).
 */
public class ApiError extends RuntimeException {

    public final int status;
    public final String code;

    /** Seconds for {@code Retry-After}, or 0. */
    public final long retryAfter;

    public ApiError(int status, String code, String description, long retryAfter) {
        super(description, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ApiError(Status status, String code, String description) {
        this(status.getStatusCode(), code, description, 0);
    }

    public static ApiError invalidRequest(String description) {
        return new ApiError(Status.BAD_REQUEST, "invalid_request", description);
    }

    public static ApiError invalidGrant(String description) {
        return new ApiError(Status.BAD_REQUEST, "invalid_grant", description);
    }

    /** 503 with {@code Retry-After: 1}: a transient conflict that a retry resolves. */
    public static ApiError temporarilyUnavailable(String description) {
        return new ApiError(503, "temporarily_unavailable", description, 1);
    }

    public static ApiError tooManyRequests(String description, long retryAfterSeconds) {
        return new ApiError(429, "too_many_requests", description, Math.max(1, retryAfterSeconds));
    }
}
