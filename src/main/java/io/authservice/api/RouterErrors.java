package io.authservice.api;

import io.authservice.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Client errors that Vert.x finds before any resource runs (an invalid {@code Host}, say) get the
 * service's JSON error body instead of Quarkus' page with details and a stack trace.
 */
@Singleton
public class RouterErrors {

    void install(@Observes Router router) {
        router.route()
                .order(Integer.MIN_VALUE)
                .failureHandler(
                        rc -> {
                            int status = rc.statusCode();
                            if (status >= 400 && status < 500 && !rc.response().headWritten()) {
                                answer(
                                        rc,
                                        status,
                                        new ErrorBody(
                                                ErrorMappers.code(status),
                                                "the request is not valid HTTP for this service"));
                            } else {
                                rc.next();
                            }
                        });
    }

    /** Ends the exchange with a failure, answered as {@link ErrorMappers} answers it. */
    public static Future<Void> answer(RoutingContext rc, Failure failure) {
        if (failure.retryAfter > 0) {
            rc.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(failure.retryAfter));
        }
        return answer(
                rc,
                ErrorMappers.status(failure.reason),
                new ErrorBody(failure.code(), failure.getMessage()));
    }

    /** Ends the exchange with a JSON error and closes the connection, whose state is unknown. */
    public static Future<Void> answer(RoutingContext rc, int status, ErrorBody body) {
        return rc.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.encode(body));
    }
}
