package io.authservice.api.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Headers on every answer of the API port: {@code X-Content-Type-Options: nosniff}, and on every
 * answer to a request that carried credentials (a bearer token, Basic, a cookie) {@code
 * Cache-Control: no-store}, whatever the resource set, so no cache keeps what a caller saw.
 */
@Singleton
public class SecurityHeaders {

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::headers);
    }

    private void headers(RoutingContext rc) {
        boolean authenticated =
                rc.request().headers().contains(HttpHeaders.AUTHORIZATION)
                        || rc.request().headers().contains(HttpHeaders.COOKIE);
        HttpServerResponse response = rc.response();
        rc.addHeadersEndHandler(
                end -> {
                    response.putHeader("X-Content-Type-Options", "nosniff");
                    if (authenticated) {
                        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
                    }
                });
        rc.next();
    }
}
