package io.authservice.db;

import io.authservice.config.AuthConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reactive pool with the timeouts Quarkus has no properties for: connecting and acquiring a
 * connection give up after {@code auth.database.timeout}, and a connection that receives nothing for
 * {@code auth.database.stall-timeout} is closed, so connections stuck on a database that stopped
 * answering free themselves (the pool retires idle ones before that).
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private final AuthConfig.Database config;

    BoundedPoolCreator(AuthConfig config) {
        this.config = config.database();
    }

    @Override
    public Pool create(Input input) {
        int timeoutMs = (int) config.timeout().toMillis();
        int stallMs = (int) config.stallTimeout().toMillis();
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout(timeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout(Math.max(1, stallMs / 2)).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setConnectTimeout(timeoutMs);
            connect.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            connect.setReadIdleTimeout(stallMs);
        }
        return PgBuilder.pool().with(pool).connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList())).using(input.vertx()).build();
    }
}
