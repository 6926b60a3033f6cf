package io.authservice.api.http;

import io.authservice.api.ErrorBody;
import io.authservice.api.RouterErrors;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.ByteArrayInputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a body larger than {@code quarkus.http.limits.max-body-size} with a JSON answer: 400
 * {@code invalid_request} on the OAuth endpoints (RFC 6749), 413 elsewhere. A declared length is
 * refused before the body is read. A body without one (chunked) is read here, because Quarkus' own
 * limit answers it with an empty 413; the resource then gets the buffered body.
 */
@Singleton
public class BodyLimit {

    private static final String BUFFERED = BodyLimit.class.getName() + ".body";

    private final long maxBytes;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::limit);
    }

    /**
     * Hands a body read by {@link #limit} to RESTEasy, which would otherwise read the spent stream.
     */
    @ServerRequestFilter(preMatching = true)
    public void buffered(ContainerRequestContext request, RoutingContext rc) {
        Buffer body = rc.get(BUFFERED);
        if (body != null) {
            request.setEntityStream(new ByteArrayInputStream(body.getBytes()));
        }
    }

    private void limit(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            if (declared(length) > maxBytes) {
                refuse(rc);
            } else {
                rc.next();
            }
        } else if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                && !request.isEnded()) {
            readWithinLimit(rc);
        } else {
            rc.next();
        }
    }

    private void readWithinLimit(RoutingContext rc) {
        Buffer body = Buffer.buffer();
        HttpServerRequest request = rc.request();
        request.handler(
                chunk -> {
                    if (rc.response().ended()) {
                        return;
                    }
                    if (body.length() + chunk.length() > maxBytes) {
                        refuse(rc);
                    } else {
                        body.appendBuffer(chunk);
                    }
                });
        request.endHandler(
                end -> {
                    if (!rc.response().ended()) {
                        rc.put(BUFFERED, body);
                        rc.next();
                    }
                });
        // A client that goes away mid-body leaves nothing to answer.
        request.exceptionHandler(gone -> {});
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            rc.response().writeContinue();
        }
        request.resume();
    }

    private void refuse(RoutingContext rc) {
        boolean oauth = rc.normalizedPath().startsWith("/oauth2/");
        RouterErrors.answer(
                rc,
                oauth ? 400 : 413,
                new ErrorBody(
                        oauth ? "invalid_request" : "request_too_large",
                        "the request body is larger than " + maxBytes + " bytes"));
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
