package io.authservice.platform.db;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@link Connections} needs of the SQL client's implementation, on a real pooled PostgreSQL
 * connection: an upgrade of Vert.x that changes it fails here, loudly, rather than leaving stuck
 * connections unwatched and undestroyed.
 */
class ConnectionsTest {

    private static final String DATABASE = System.getenv().getOrDefault("AUTH_TEST_DB", "test");

    private static Vertx vertx;
    private static Pool pool;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        pool = pool(new PoolOptions().setMaxSize(1));
    }

    @AfterAll
    static void stop() throws Exception {
        await(pool.close());
        await(vertx.close());
    }

    @Test
    void thePooledConnectionsSocketIsReachedAndWatched() throws Exception {
        SqlConnection connection = await(pool.getConnection());
        try {
            assertNotNull(Connections.socketOf(connection), "the socket under a pooled connection");
            assertTrue(Connections.watch(connection, Duration.ofSeconds(5)));
            await(connection.query("select 1").execute());
        } finally {
            await(connection.close());
        }
    }

    @Test
    void aDestroyedConnectionIsClosed() throws Exception {
        SqlConnection connection = await(pool.getConnection());
        await(connection.query("select 1").execute());
        Connections.destroy(connection);
        assertThrows(ExecutionException.class, () -> await(connection.query("select 1").execute()));
        connection.close();
    }

    @Test
    void thePoolsTimeoutIsTheClientsOwnSignal() {
        Pool empty =
                pool(
                        new PoolOptions()
                                .setMaxSize(1)
                                .setConnectionTimeout(1000)
                                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS));
        try {
            SqlConnection held = await(empty.getConnection());
            ExecutionException timeout =
                    assertThrows(ExecutionException.class, () -> await(empty.getConnection()));
            assertTrue(Connections.clientSignal(timeout.getCause()), timeout.getCause().toString());
            held.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            empty.close();
        }
    }

    private static Pool pool(PoolOptions options) {
        PgConnectOptions server =
                new PgConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(5432)
                        .setDatabase(DATABASE)
                        .setUser("postgres");
        return PgBuilder.pool().with(options).connectingTo(server).using(vertx).build();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
