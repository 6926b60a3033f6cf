package io.authservice.api.http;

import io.netty.channel.Channel;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.http.impl.HttpServerWorker;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The only place that reaches the internals of Vert.x' HTTP servers by reflection ({@link
 * ConnectionGuard}, {@link Http1Only}). Each use is {@link #fenced}: if an upgrade moved what it
 * reads, the service stops at start with a message that says so, rather than running without the
 * protection (their tests would also fail). The native executable keeps exactly the fields read
 * here.
 */
@RegisterForReflection(
        targets = {TCPServerBase.class, HttpServerWorker.class},
        fields = true,
        methods = false)
final class VertxInternals {

    private static final Logger LOG = Logger.getLogger(VertxInternals.class);

    private VertxInternals() {}

    /** Work on the internals, which may fail with any of these if they moved. */
    interface Reach {
        void run() throws ReflectiveOperationException;
    }

    /**
     * Runs {@code reach}; if the internals moved, logs what cannot be done and stops the service.
     */
    static void fenced(String what, Reach reach) {
        try {
            reach.run();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf(
                    e,
                    "cannot %s: the Vert.x internals it needs moved (an upgrade?); stopping",
                    what);
            Quarkus.asyncExit(1);
        }
    }

    /** The channel that accepts the connections of the HTTP server listening on {@code port}. */
    @SuppressWarnings("unchecked")
    static Channel listeningChannel(Vertx vertx, int port) throws ReflectiveOperationException {
        Field bound = field(TCPServerBase.class, "bindFuture");
        for (HttpServerImpl server : servers(vertx)) {
            Future<Channel> channel =
                    server.actualPort() == port ? (Future<Channel>) bound.get(server) : null;
            if (channel != null && channel.result() != null) {
                return channel.result();
            }
        }
        throw new IllegalStateException("no listening HTTP server on port " + port);
    }

    /** Every HTTP server's worker, which sets up each connection it accepts. */
    static List<HttpServerWorker> workers(Vertx vertx) throws ReflectiveOperationException {
        Field worker = field(TCPServerBase.class, "childHandler");
        List<HttpServerWorker> workers = new java.util.ArrayList<>();
        for (HttpServerImpl server : servers(vertx)) {
            if (worker.get(server) instanceof HttpServerWorker http) {
                workers.add(http);
            }
        }
        return workers;
    }

    /** Tells a worker to refuse HTTP/2 in clear text. */
    static void disableH2c(HttpServerWorker worker) throws ReflectiveOperationException {
        field(HttpServerWorker.class, "disableH2C").setBoolean(worker, true);
    }

    /** The Netty channel under a request's connection. */
    static Channel channel(HttpConnection connection) {
        return ((ConnectionBase) connection).channel();
    }

    private static Iterable<HttpServerImpl> servers(Vertx vertx) {
        return Objects.requireNonNull(
                        ((VertxInternal) vertx).sharedHttpServers(), "sharedHttpServers")
                .values();
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
