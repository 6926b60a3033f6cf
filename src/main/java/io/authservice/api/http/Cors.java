package io.authservice.api.http;

import io.authservice.clients.CorsOrigins;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * CORS (Fetch standard) for browser frontends, on the contract's browser paths only: {@code
 * /oauth2/token}, {@code /oauth2/revoke}, {@code /oauth2/userinfo}, {@code /users}, {@code
 * /users/me*} and {@code /.well-known/*}. An {@code Origin} that {@link CorsOrigins} allows gets
 * itself echoed with {@code Access-Control-Allow-Credentials: true} (never {@code *}: the
 * cookie-mode refresh token and bearer tokens are credentials), and its preflight is answered here,
 * {@code 204}. Any other origin gets no CORS header at all, its preflight included, so the browser
 * blocks the page from reading anything. Answers on these paths carry {@code Vary: Origin}, since
 * they differ by it (the JWKS is cached publicly).
 *
 * <p>Quarkus' own CORS filter ({@code quarkus.http.cors}) stays off: its origins are fixed at start
 * and apply to every path, while these follow the registered clients and stop at the browser paths.
 * The headers are added when the answer's headers are written, so every answer gets them, also a
 * {@code 429} of {@link RateLimit} or an error of {@link BodyLimit}.
 */
@Singleton
public class Cors {

    static final String ALLOW_METHODS = "GET, POST";
    static final String ALLOW_HEADERS = "Authorization, Content-Type";

    /** Seconds a browser may keep a preflight's answer (Chromium caps this at 7200). */
    static final String MAX_AGE = "600";

    /**
     * Non-safelisted headers a page may read: where a new user is, when to retry, the challenge,
     * the JWKS tag.
     */
    static final String EXPOSE_HEADERS = "Location, Retry-After, WWW-Authenticate, ETag";

    private final CorsOrigins origins;

    Cors(CorsOrigins origins) {
        this.origins = origins;
    }

    // Before the other MIN_VALUE handlers (observers with a lower priority are notified first): the
    // body limit's refusal then carries CORS headers too.
    void install(@Observes @Priority(1) Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::cors);
    }

    static boolean browserPath(String path) {
        return path.equals("/oauth2/token")
                || path.equals("/oauth2/revoke")
                || path.equals("/oauth2/userinfo")
                || path.equals("/users")
                || path.startsWith("/users/me")
                || path.startsWith("/.well-known/");
    }

    private void cors(RoutingContext rc) {
        if (!browserPath(rc.normalizedPath())) {
            rc.next();
            return;
        }
        String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
        boolean allowed = origins.allows(origin);
        HttpServerResponse response = rc.response();
        if (allowed
                && rc.request().method() == HttpMethod.OPTIONS
                && rc.request().headers().contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD)) {
            response.setStatusCode(204)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE)
                    .putHeader(HttpHeaders.VARY, "Origin")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .end();
            return;
        }
        rc.addHeadersEndHandler(
                end -> {
                    response.headers().add(HttpHeaders.VARY, "Origin");
                    if (allowed) {
                        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                                .putHeader(
                                        HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
                    }
                });
        rc.next();
    }
}
