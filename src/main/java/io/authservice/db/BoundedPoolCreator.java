package io.authservice.db;

import io.authservice.config.AuthConfig;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The reactive pool with the timeouts Quarkus has no properties for: connecting and acquiring a
 * connection give up after {@code auth.database.timeout}, and a connection that waits longer than
 * {@code auth.database.stall-timeout} for an answer is closed, so connections stuck on a database
 * that stopped answering free themselves even where no {@link Database} deadline applies.
 * (Vert.x' own read-idle timeout, tried first, does not close a PostgreSQL connection: hence a
 * watchdog of our own on each new connection, which leaves idle pooled connections alone.)
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private static final Logger LOG = Logger.getLogger(BoundedPoolCreator.class);

    private final AuthConfig.Database config;

    BoundedPoolCreator(AuthConfig config) {
        this.config = config.database();
    }

    @Override
    public Pool create(Input input) {
        int timeoutMs = (int) config.timeout().toMillis();
        long stallMs = config.stallTimeout().toMillis();
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout(timeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setConnectTimeout(timeoutMs);
        }
        return PgBuilder.pool().with(pool)
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .withConnectHandler(conn -> {
                    watch(Connections.socketOf(conn), stallMs);
                    conn.close(); // hands it to the pool
                })
                .using(input.vertx()).build();
    }

    /** Closes the connection when it has waited {@code stallMs} for an answer without receiving a byte. */
    private static void watch(SocketConnectionBase connection, long stallMs) {
        if (connection == null) {
            return;
        }
        connection.socket().channelHandlerContext().pipeline().addFirst("auth-stall-watchdog",
                new IdleStateHandler(stallMs, 0, 0, TimeUnit.MILLISECONDS) {
                    @Override
                    protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx, IdleStateEvent event) {
                        if (event.state() == IdleState.READER_IDLE && connection.inflight() > 0) {
                            LOG.warnf("closing a database connection that waited %d ms for an answer", stallMs);
                            ctx.close();
                        }
                    }
                });
    }
}
