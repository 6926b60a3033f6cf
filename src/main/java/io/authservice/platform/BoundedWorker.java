package io.authservice.platform;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fixed pool of threads with a bounded queue for CPU-heavy work (password hashing, signing), so
 * it never runs on an event loop and a flood of it turns into 429 answers instead of an
 * ever-growing backlog. Results are delivered back on the caller's Vert.x context, where reactive
 * database sessions expect to continue.
 */
public final class BoundedWorker implements AutoCloseable {

    private final String name;
    private final ThreadPoolExecutor pool;

    public BoundedWorker(String name, int threads, int queue) {
        this.name = name;
        AtomicInteger count = new AtomicInteger();
        this.pool =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(queue),
                        runnable -> {
                            Thread thread =
                                    new Thread(runnable, name + "-" + count.incrementAndGet());
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    public <T> Uni<T> submit(Supplier<T> work) {
        return Uni.createFrom()
                .emitter(
                        emitter -> {
                            Context caller = Vertx.currentContext();
                            try {
                                pool.execute(
                                        () -> {
                                            try {
                                                T result = work.get();
                                                onContext(caller, () -> emitter.complete(result));
                                            } catch (Throwable failure) {
                                                onContext(caller, () -> emitter.fail(failure));
                                            }
                                        });
                            } catch (RejectedExecutionException busy) {
                                emitter.fail(
                                        Failure.tooManyRequests(
                                                "the server is busy (" + name + "); retry shortly",
                                                1));
                            }
                        });
    }

    private static void onContext(Context context, Runnable action) {
        if (context == null) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
