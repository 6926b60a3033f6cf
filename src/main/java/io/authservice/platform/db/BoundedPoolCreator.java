package io.authservice.platform.db;

import io.authservice.config.DatabaseConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reactive pool with the timeouts Quarkus has no properties for: connecting and acquiring a
 * connection give up after {@code auth.database.timeout}, and a connection that waits longer than
 * {@code auth.database.stall-timeout} for an answer is closed ({@link StallWatchdog}), so
 * connections stuck on a database that stopped answering free themselves even where no {@link
 * Database} deadline applies. (Vert.x' own read-idle timeout, tried first, does not close a
 * PostgreSQL connection.)
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;

    BoundedPoolCreator(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        return pool(
                input.vertx(),
                input.poolOptions(),
                input.pgConnectOptionsList(),
                config.timeout(),
                config.stallTimeout());
    }

    /** The pool with these timeouts (tests build it without Quarkus). */
    static Pool pool(
            Vertx vertx,
            PoolOptions pool,
            List<PgConnectOptions> servers,
            Duration timeout,
            Duration stall) {
        int timeoutMs = (int) timeout.toMillis();
        pool.setConnectionTimeout(timeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : servers) {
            connect.setConnectTimeout(timeoutMs);
        }
        return PgBuilder.pool()
                .with(pool)
                .connectingTo(List.<SqlConnectOptions>copyOf(servers))
                .withConnectHandler(
                        conn -> {
                            SocketConnectionBase socket = Connections.socketOf(conn);
                            if (socket != null) {
                                StallWatchdog.watch(socket, stall);
                            }
                            conn.close(); // hands it to the pool
                        })
                .using(vertx)
                .build();
    }
}
