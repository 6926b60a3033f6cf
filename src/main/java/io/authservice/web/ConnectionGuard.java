package io.authservice.web;

import io.authservice.config.AuthConfig;
import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slow clients must not hold the connections everybody shares ({@code quarkus.http.limits.max-connections}):
 * <ul>
 *   <li>a request whose body has not arrived whole within {@code auth.http.request-timeout} of its
 *       headers gets 408 and its connection is closed, however steadily it trickles (the idle
 *       timeout only drops a client that sends nothing);
 *   <li>one source ({@link ClientAddress#source} of the TCP peer) holds at most
 *       {@code auth.http.connections-per-source} connections: a further one gets 429 on its first
 *       request and is closed. A trusted proxy ({@code auth.trusted-proxies}) carries many clients
 *       and is not capped.
 * </ul>
 */
@Singleton
public class ConnectionGuard {

    /** The source a connection was counted for, or {@link #UNCOUNTED}: set on its first request. */
    private static final AttributeKey<String> SOURCE = AttributeKey.valueOf(ConnectionGuard.class.getName());
    private static final String UNCOUNTED = "";

    private final ClientAddress clientAddress;
    private final Vertx vertx;
    private final long timeoutMillis;
    private final int perSource;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionGuard(ClientAddress clientAddress, Vertx vertx, AuthConfig config) {
        this.clientAddress = clientAddress;
        this.vertx = vertx;
        this.timeoutMillis = Math.max(1, config.http().requestTimeout().toMillis());
        this.perSource = config.http().connectionsPerSource();
    }

    // Before every other handler (observers with a lower priority are notified first): the deadline
    // must run while the body limit reads a chunked body.
    void install(@Observes @Priority(0) Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
    }

    private void guard(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (perSource > 0 && !admitted(request)) {
            rc.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            refuse(rc, 429, new ErrorBody("too_many_requests", "too many connections from this address; retry later"));
            return;
        }
        if (!request.isEnded()) {
            long timer = vertx.setTimer(timeoutMillis, fired -> {
                if (!request.isEnded() && !rc.response().ended() && !rc.response().closed()) {
                    if (rc.response().headWritten()) {
                        request.connection().close();
                    } else {
                        refuse(rc, 408, new ErrorBody("request_timeout",
                                "the request did not arrive whole within " + timeoutMillis + " ms"));
                    }
                }
            });
            rc.addEndHandler(end -> vertx.cancelTimer(timer));
        }
        rc.next();
    }

    /** Whether the request's connection is within its source's cap; counts a connection once, on its first request. */
    private boolean admitted(HttpServerRequest request) {
        // Vert.x calls the close handler of a connection only once, and Quarkus' own connection limit
        // uses it: the Netty channel's close future tells us without taking it away.
        Channel channel = ((ConnectionBase) request.connection()).channel();
        Attribute<String> counted = channel.attr(SOURCE);
        if (counted.get() != null) {
            return true;
        }
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().host();
        if (peer == null || clientAddress.isTrusted(peer)) {
            counted.set(UNCOUNTED);
            return true;
        }
        String source = ClientAddress.source(peer);
        if (open.merge(source, 1, Integer::sum) > perSource) {
            release(source);
            return false;
        }
        counted.set(source);
        channel.closeFuture().addListener(closed -> release(source));
        return true;
    }

    private void release(String source) {
        open.computeIfPresent(source, (key, count) -> count <= 1 ? null : count - 1);
    }

    private static void refuse(RoutingContext rc, int status, ErrorBody body) {
        HttpConnection connection = rc.request().connection();
        RouterErrors.answer(rc, status, body).onComplete(sent -> connection.close());
    }
}
