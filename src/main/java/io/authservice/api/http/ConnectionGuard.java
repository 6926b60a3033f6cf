package io.authservice.api.http;

import io.authservice.api.ErrorBody;
import io.authservice.api.RouterErrors;
import io.authservice.api.SourceAddress;
import io.authservice.config.HttpConfig;
import io.authservice.platform.SourceKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Slow clients must not hold the connections everybody shares ({@code
 * quarkus.http.limits.max-connections}):
 *
 * <ul>
 *   <li>one source ({@link SourceKey#of} of the TCP peer) holds at most {@code
 *       auth.http.connections-per-source} connections: a further one is closed as it is accepted. A
 *       trusted proxy ({@code auth.trusted-proxies}) carries many clients and is not capped;
 *   <li>every request's line and headers must arrive within {@code auth.http.request-timeout}: the
 *       first request's counted from the connection's acceptance, a later one's on a kept-alive
 *       connection from the first byte of it that arrives after the previous response. Otherwise
 *       408 and the connection is closed, however steadily the head trickles in. Waiting between
 *       requests is the idle timeout's business, so a pooled connection is not cut short;
 *   <li>a request whose body has not arrived whole within that time of its headers gets 408 too.
 * </ul>
 *
 * Vert.x offers no hook at accept time (Quarkus' own connection limit takes the server's only
 * connection handler), so the guard sits in front of Netty's acceptor, in the listening channel's
 * pipeline, which Vert.x keeps internal ({@link VertxInternals}; ConnectionGuardTest would fail on
 * an upgrade that moves it), and puts a {@link Heads} first in each connection's pipeline.
 */
@Singleton
public class ConnectionGuard {

    private static final String HANDLER = ConnectionGuard.class.getName();
    private static final AttributeKey<Heads> HEADS = AttributeKey.valueOf(HANDLER + ".heads");

    private final SourceAddress sourceAddress;
    private final Vertx vertx;
    private final long timeoutMillis;
    private final int perSource;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Acceptor acceptor = new Acceptor();

    ConnectionGuard(SourceAddress sourceAddress, Vertx vertx, HttpConfig config) {
        this.sourceAddress = sourceAddress;
        this.vertx = vertx;
        this.timeoutMillis = Math.max(1, config.http().requestTimeout().toMillis());
        this.perSource = config.http().connectionsPerSource();
    }

    /**
     * Puts {@link Acceptor} in front of Netty's acceptor of the API port (the management port is
     * not guarded).
     */
    void attach(@ObservesAsync HttpServerStart start) {
        int port = start.options().getPort();
        VertxInternals.fenced(
                "guard the connections of port " + port,
                () -> {
                    Channel listening = VertxInternals.listeningChannel(vertx, port);
                    synchronized (ConnectionGuard.class) {
                        // Once per server (the event fires for each of its verticles), by the
                        // current bean (a
                        // dev-mode restart may keep the server).
                        if (listening.pipeline().get(HANDLER) != acceptor) {
                            if (listening.pipeline().get(HANDLER) != null) {
                                listening.pipeline().remove(HANDLER);
                            }
                            listening.pipeline().addFirst(HANDLER, acceptor);
                        }
                    }
                });
    }

    /** Sees every connection the API port accepts, before Vert.x does. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object accepted) {
            if (accepted instanceof Channel connection && !admitted(connection)) {
                connection.unsafe().closeForcibly();
                return;
            }
            if (accepted instanceof Channel connection) {
                Heads heads = new Heads(connection);
                connection.attr(HEADS).set(heads);
                // First, before the handlers Vert.x adds as it registers the connection: sees the
                // raw bytes.
                connection.pipeline().addFirst(HANDLER, heads);
                connection.closeFuture().addListener(closed -> heads.stop());
            }
            ctx.fireChannelRead(accepted);
        }
    }

    /**
     * One connection's head deadline. All on the connection's event loop, where Netty reads it and
     * Vert.x handles its requests. Counting heads and answers rather than keeping a flag makes the
     * order in which Vert.x ends one request and begins the next pipelined one irrelevant.
     */
    private final class Heads extends ChannelInboundHandlerAdapter {
        private final Channel connection;
        private long arrived;
        private long answered;
        private ScheduledFuture<?> deadline;

        Heads(Channel connection) {
            this.connection = connection;
        }

        /**
         * The first request's head is due from the connection's acceptance (now: it is being
         * registered).
         */
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            start();
        }

        /** A byte between requests begins the next request's head. */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (deadline == null
                    && arrived == answered
                    && message instanceof ByteBuf bytes
                    && bytes.isReadable()) {
                start();
            }
            ctx.fireChannelRead(message);
        }

        void start() {
            deadline =
                    connection
                            .eventLoop()
                            .schedule(
                                    () -> {
                                        deadline = null;
                                        if (arrived == answered) {
                                            headTimedOut(connection);
                                        }
                                    },
                                    timeoutMillis,
                                    TimeUnit.MILLISECONDS);
        }

        void headArrived() {
            arrived++;
            stop();
        }

        void answered() {
            answered++;
        }

        void stop() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
    }

    /** Whether the connection is within its source's cap; counts it until it closes. */
    private boolean admitted(Channel connection) {
        if (perSource <= 0
                || !(connection.remoteAddress() instanceof InetSocketAddress peer)
                || peer.getAddress() == null) {
            return true;
        }
        String address = NetUtil.toAddressString(peer.getAddress());
        if (sourceAddress.isTrusted(address)) {
            return true;
        }
        String source = SourceKey.of(address);
        if (open.merge(source, 1, Integer::sum) > perSource) {
            release(source);
            return false;
        }
        connection.closeFuture().addListener(closed -> release(source));
        return true;
    }

    private void release(String source) {
        open.computeIfPresent(source, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** Answers 408 below Vert.x (which has no request yet to answer) and closes. */
    private void headTimedOut(Channel connection) {
        ChannelHandlerContext first = connection.pipeline().firstContext();
        if (!connection.isActive()) {
            return;
        }
        if (first == null) {
            connection.close();
            return;
        }
        byte[] body = Json.encode(timeout()).getBytes(StandardCharsets.UTF_8);
        String head =
                "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                        + "Connection: close\r\nContent-Length: "
                        + body.length
                        + "\r\n\r\n";
        first.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private ErrorBody timeout() {
        return new ErrorBody(
                "request_timeout",
                "the request did not arrive whole within " + timeoutMillis + " ms");
    }

    // Before every other handler (observers with a lower priority are notified first): the deadline
    // must run while the body limit reads a chunked body.
    void install(@Observes @Priority(0) Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
    }

    /** Ends the head's deadline and starts the body's. */
    private void guard(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        Heads heads = ((ConnectionBase) request.connection()).channel().attr(HEADS).get();
        if (heads != null) {
            heads.headArrived();
            rc.addEndHandler(end -> heads.answered());
        }
        if (!request.isEnded()) {
            long timer =
                    vertx.setTimer(
                            timeoutMillis,
                            fired -> {
                                if (!request.isEnded()
                                        && !rc.response().ended()
                                        && !rc.response().closed()) {
                                    if (rc.response().headWritten()) {
                                        request.connection().close();
                                    } else {
                                        RouterErrors.answer(rc, 408, timeout())
                                                .onComplete(sent -> request.connection().close());
                                    }
                                }
                            });
            rc.addEndHandler(end -> vertx.cancelTimer(timer));
        }
        rc.next();
    }
}
