package io.authservice.web;

import io.authservice.config.AuthConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.json.Json;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Slow clients must not hold the connections everybody shares ({@code quarkus.http.limits.max-connections}):
 * <ul>
 *   <li>one source ({@link ClientAddress#source} of the TCP peer) holds at most
 *       {@code auth.http.connections-per-source} connections: a further one is closed as it is
 *       accepted. A trusted proxy ({@code auth.trusted-proxies}) carries many clients and is not capped;
 *   <li>a connection whose first request line and headers have not arrived within
 *       {@code auth.http.request-timeout} gets 408 and is closed, and so does a request whose body has
 *       not arrived whole within that time of its headers, however steadily either trickles in (the
 *       idle timeout only drops a client that sends nothing).
 * </ul>
 * Vert.x offers no hook at accept time (Quarkus' own connection limit takes the server's only
 * connection handler), so the guard sits in front of Netty's acceptor, in the listening channel's
 * pipeline, which Vert.x keeps internal: {@link #attach} reaches it by reflection and the service
 * refuses to start if it cannot (ConnectionGuardTest would fail on an upgrade that moves it).
 */
@Singleton
// The native executable keeps the field that listeningChannel reads.
@RegisterForReflection(targets = TCPServerBase.class, fields = true, methods = false)
public class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class);
    private static final String HANDLER = ConnectionGuard.class.getName();
    /** Set on a connection once the head of its first request has arrived. */
    private static final AttributeKey<Boolean> HEAD_ARRIVED = AttributeKey.valueOf(HANDLER + ".head");

    private final ClientAddress clientAddress;
    private final Vertx vertx;
    private final long timeoutMillis;
    private final int perSource;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Acceptor acceptor = new Acceptor();

    ConnectionGuard(ClientAddress clientAddress, Vertx vertx, AuthConfig config) {
        this.clientAddress = clientAddress;
        this.vertx = vertx;
        this.timeoutMillis = Math.max(1, config.http().requestTimeout().toMillis());
        this.perSource = config.http().connectionsPerSource();
    }

    /** Puts {@link Acceptor} in front of Netty's acceptor of the API port (the management port is not guarded). */
    void attach(@ObservesAsync HttpServerStart start) {
        try {
            Channel listening = listeningChannel(start.options().getPort());
            synchronized (ConnectionGuard.class) {
                // Once per server (the event fires for each of its verticles), by the current bean (a
                // dev-mode restart may keep the server).
                if (listening.pipeline().get(HANDLER) != acceptor) {
                    if (listening.pipeline().get(HANDLER) != null) {
                        listening.pipeline().remove(HANDLER);
                    }
                    listening.pipeline().addFirst(HANDLER, acceptor);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf(e, "cannot guard the connections of port %d (a Vert.x upgrade?): stopping", start.options().getPort());
            Quarkus.asyncExit(1);
        }
    }

    @SuppressWarnings("unchecked")
    private Channel listeningChannel(int port) throws ReflectiveOperationException {
        Field bound = TCPServerBase.class.getDeclaredField("bindFuture");
        bound.setAccessible(true);
        for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
            Future<Channel> channel = server.actualPort() == port ? (Future<Channel>) bound.get(server) : null;
            if (channel != null && channel.result() != null) {
                return channel.result();
            }
        }
        throw new IllegalStateException("no listening HTTP server on port " + port);
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
                ScheduledFuture<?> deadline = ctx.executor().schedule(() -> headTimedOut(connection),
                        timeoutMillis, TimeUnit.MILLISECONDS);
                connection.closeFuture().addListener(closed -> deadline.cancel(false));
            }
            ctx.fireChannelRead(accepted);
        }
    }

    /** Whether the connection is within its source's cap; counts it until it closes. */
    private boolean admitted(Channel connection) {
        if (perSource <= 0 || !(connection.remoteAddress() instanceof InetSocketAddress peer) || peer.getAddress() == null) {
            return true;
        }
        String address = NetUtil.toAddressString(peer.getAddress());
        if (clientAddress.isTrusted(address)) {
            return true;
        }
        String source = ClientAddress.source(address);
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

    /** Answers 408 below Vert.x (which has no request yet to answer) and closes, unless the head has arrived. */
    private void headTimedOut(Channel connection) {
        connection.eventLoop().execute(() -> {
            ChannelHandlerContext first = connection.pipeline().firstContext();
            if (connection.attr(HEAD_ARRIVED).get() != null || !connection.isActive()) {
                return;
            }
            if (first == null) {
                connection.close();
                return;
            }
            byte[] body = Json.encode(timeout()).getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
            first.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                    .addListener(ChannelFutureListener.CLOSE);
        });
    }

    private ErrorBody timeout() {
        return new ErrorBody("request_timeout", "the request did not arrive whole within " + timeoutMillis + " ms");
    }

    // Before every other handler (observers with a lower priority are notified first): the deadline
    // must run while the body limit reads a chunked body.
    void install(@Observes @Priority(0) Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
    }

    /** The body's deadline, from the head's arrival. */
    private void guard(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        ((ConnectionBase) request.connection()).channel().attr(HEAD_ARRIVED).set(Boolean.TRUE);
        if (!request.isEnded()) {
            long timer = vertx.setTimer(timeoutMillis, fired -> {
                if (!request.isEnded() && !rc.response().ended() && !rc.response().closed()) {
                    if (rc.response().headWritten()) {
                        request.connection().close();
                    } else {
                        RouterErrors.answer(rc, 408, timeout()).onComplete(sent -> request.connection().close());
                    }
                }
            });
            rc.addEndHandler(end -> vertx.cancelTimer(timer));
        }
        rc.next();
    }
}
