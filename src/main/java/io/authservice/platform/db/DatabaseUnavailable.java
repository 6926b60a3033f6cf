package io.authservice.platform.db;

/** The database could not be asked in time; the request may be retried (503 with Retry-After). */
public class DatabaseUnavailable extends RuntimeException {

    public DatabaseUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
