package io.authservice.web;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.http.impl.HttpServerWorker;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import org.jboss.logging.Logger;

/**
 * Both ports speak HTTP/1.1 only: no HTTP/2 in clear text, neither with prior knowledge nor by an
 * {@code Upgrade: h2c} (TLS and HTTP/2 end at the edge). The API port's options say so
 * ({@code quarkus.http.http2=false}); Quarkus has no such option for the management port, so every
 * server's Vert.x worker, which decides per connection, is told once the servers listen (the
 * management port is listening before the API port's start is announced). Vert.x keeps the worker
 * internal: it is reached by reflection, and the service stops if that fails (CleartextHttp2Test
 * would fail on an upgrade that moves it).
 */
@Singleton
// The native executable keeps the fields read here.
@RegisterForReflection(targets = {TCPServerBase.class, HttpServerWorker.class}, fields = true, methods = false)
public class Http1Only {

    private static final Logger LOG = Logger.getLogger(Http1Only.class);

    private final Vertx vertx;

    Http1Only(Vertx vertx) {
        this.vertx = vertx;
    }

    void refuseCleartextHttp2(@ObservesAsync HttpServerStart start) {
        try {
            Field worker = TCPServerBase.class.getDeclaredField("childHandler");
            worker.setAccessible(true);
            Field disableH2c = HttpServerWorker.class.getDeclaredField("disableH2C");
            disableH2c.setAccessible(true);
            for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
                if (worker.get(server) instanceof HttpServerWorker http) {
                    disableH2c.setBoolean(http, true);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf(e, "cannot turn HTTP/2 in clear text off (a Vert.x upgrade?): stopping");
            Quarkus.asyncExit(1);
        }
    }
}
