package io.authservice.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body larger than {@code quarkus.http.limits.max-body-size} before it is read, with a
 * JSON answer: 400 {@code invalid_request} on the OAuth endpoints (RFC 6749), 413 elsewhere.
 * Chunked bodies without a length still meet Quarkus' own limit.
 */
@Singleton
public class BodyLimit {

    private final long maxBytes;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null || declared(length) <= maxBytes) {
                rc.next();
                return;
            }
            boolean oauth = rc.normalizedPath().startsWith("/oauth2/");
            ErrorBody body = new ErrorBody(oauth ? "invalid_request" : "request_too_large",
                    "the request body is larger than " + maxBytes + " bytes");
            rc.response()
                    .setStatusCode(oauth ? 400 : 413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(Json.encode(body));
        });
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
