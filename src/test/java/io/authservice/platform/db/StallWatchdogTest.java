package io.authservice.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.LogLines;
import io.authservice.faults.FaultProxy;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's pool ({@link BoundedPoolCreator#pool}) on real PostgreSQL connections with a stall
 * timeout of 0.5 s: a connection idle for longer than that and then used is neither closed nor
 * logged; a connection whose database stops answering is closed and logged once 0.5 s has passed.
 */
class StallWatchdogTest {

    private static final Duration STALL = Duration.ofMillis(500);
    private static final String CLOSING = "closing a database connection that waited";
    private static final String DATABASE = System.getenv().getOrDefault("AUTH_TEST_DB", "test");

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * Idle for 0.7 s (longer than the stall timeout) before each statement, which then takes 0.3 s:
     * the statement is on the wire 1 s after the connection last received a byte, the moment a
     * watchdog that counts from the last byte received judges it (it did, before this fix).
     */
    @Test
    void aConnectionIdleLongerThanTheStallTimeoutIsNotJudgedWhenUsedAgain() throws Exception {
        Pool pool = pool(5432);
        try {
            int pid = pid(pool, "select pg_backend_pid()");
            List<String> lines =
                    LogLines.of(
                            "io.authservice.platform.db",
                            () -> {
                                for (int i = 0; i < 3; i++) {
                                    // Idle on purpose: the connection's idleness is what is tested.
                                    Thread.sleep(2 * STALL.toMillis() - 300);
                                    assertEquals(
                                            pid,
                                            pid(pool, "select pg_backend_pid() from pg_sleep(0.3)"),
                                            "statement " + (i + 1) + " ran on another connection");
                                }
                                return null;
                            });
            assertTrue(lines.stream().noneMatch(l -> l.contains(CLOSING)), lines.toString());
        } finally {
            pool.close();
        }
    }

    /**
     * The service's periodic work (CORS origins every 5 s, keys every 10 s, readiness probes every
     * 5 s) runs at multiples of the stall timeout (5 s): a statement sent every stall timeout (here
     * 0.5 s, 10 times) goes out just when a watchdog counting from the last byte received looks
     * again. (The one before this fix closed the connection in most runs, at any of the 16 it sent
     * then.)
     */
    @Test
    void aStatementEveryStallTimeoutIsNeverJudged() throws Exception {
        Duration stall = Duration.ofMillis(500);
        Pool pool = pool(5432, stall);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        try {
            int pid = pid(pool, "select pg_backend_pid()");
            List<String> lines =
                    LogLines.of(
                            "io.authservice.platform.db",
                            () -> {
                                List<ScheduledFuture<Integer>> runs = new ArrayList<>();
                                for (int i = 1; i <= 10; i++) {
                                    runs.add(
                                            clock.schedule(
                                                    () -> pid(pool, "select pg_backend_pid()"),
                                                    i * stall.toMillis(),
                                                    TimeUnit.MILLISECONDS));
                                }
                                for (ScheduledFuture<Integer> run : runs) {
                                    assertEquals(
                                            pid,
                                            run.get(),
                                            "a periodic statement ran on another connection");
                                }
                                return null;
                            });
            assertTrue(lines.stream().noneMatch(l -> l.contains(CLOSING)), lines.toString());
        } finally {
            clock.shutdownNow();
            pool.close();
        }
    }

    /**
     * A database that stops answering mid-statement (a blackhole): the connection is closed after
     * the stall timeout.
     */
    @Test
    void aDatabaseThatStopsAnsweringIsDetected() throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", 5432)) {
            Pool pool = pool(proxy.port());
            try {
                pid(pool, "select pg_backend_pid()");
                proxy.mode(FaultProxy.Mode.BLACKHOLE);
                long[] failedAfterMs = new long[1];
                List<String> lines =
                        LogLines.of(
                                "io.authservice.platform.db",
                                () -> {
                                    long start = System.nanoTime();
                                    ExecutionException failed =
                                            assertThrows(
                                                    ExecutionException.class,
                                                    () -> pid(pool, "select pg_backend_pid()"));
                                    failedAfterMs[0] =
                                            TimeUnit.NANOSECONDS.toMillis(
                                                    System.nanoTime() - start);
                                    return failed;
                                });
                assertTrue(lines.stream().anyMatch(l -> l.contains(CLOSING)), lines.toString());
                assertTrue(
                        failedAfterMs[0] >= STALL.toMillis() - 50
                                && failedAfterMs[0] < STALL.toMillis() + 2000,
                        "the statement failed after " + failedAfterMs[0] + " ms");
            } finally {
                pool.close();
            }
        }
    }

    private static Pool pool(int port) {
        return pool(port, STALL);
    }

    private static Pool pool(int port, Duration stall) {
        PgConnectOptions server =
                new PgConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setDatabase(DATABASE)
                        .setUser("postgres");
        return BoundedPoolCreator.pool(
                vertx,
                new PoolOptions().setMaxSize(1),
                List.of(server),
                Duration.ofSeconds(5),
                stall);
    }

    /** Runs {@code sql} (one integer column) and waits for its answer. */
    private static int pid(Pool pool, String sql) throws Exception {
        return pool.query(sql)
                .execute()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .iterator()
                .next()
                .getInteger(0);
    }
}
