package io.authservice.api.http;

import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerWorker;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

/**
 * Both ports speak HTTP/1.1 only: no HTTP/2 in clear text, neither with prior knowledge nor by an
 * {@code Upgrade: h2c} (TLS and HTTP/2 end at the edge). The API port's options say so ({@code
 * quarkus.http.http2=false}); Quarkus has no such option for the management port, so every server's
 * Vert.x worker, which decides per connection, is told once the servers listen (the management port
 * is listening before the API port's start is announced). Vert.x keeps the worker internal ({@link
 * VertxInternals}; CleartextHttp2Test would fail on an upgrade that moves it).
 */
@Singleton
public class Http1Only {

    private final Vertx vertx;

    Http1Only(Vertx vertx) {
        this.vertx = vertx;
    }

    void refuseCleartextHttp2(@ObservesAsync HttpServerStart start) {
        VertxInternals.fenced(
                "turn HTTP/2 in clear text off",
                () -> {
                    for (HttpServerWorker worker : VertxInternals.workers(vertx)) {
                        VertxInternals.disableH2c(worker);
                    }
                });
    }
}
