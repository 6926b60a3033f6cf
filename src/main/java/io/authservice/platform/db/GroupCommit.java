package io.authservice.platform.db;

import io.micrometer.core.instrument.DistributionSummary;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit: concurrent requests are written by one statement, so one WAL flush serves them all.
 * A batch is sent as soon as none is in flight; requests that arrive meanwhile wait for the next
 * one (so a lone request waits for nothing), at most {@code maxSize} to a batch, and, with a
 * positive {@code maxWait}, a batch waits that long for company. Each request keeps its own
 * deadline: one still queued at its deadline is dropped from the queue (never written) and fails as
 * the database would fail it; one whose batch is already on its way fails at its deadline, and its
 * write may still commit (as with a single statement whose commit was on its way).
 *
 * @param <I> one request's input
 * @param <O> one request's result ({@code write} answers a list aligned with its inputs)
 */
public final class GroupCommit<I, O> {

    private final Function<List<I>, Uni<List<O>>> write;
    private final int maxSize;
    private final Duration maxWait;
    private final Duration deadline;
    private final DistributionSummary sizes;
    private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    private boolean busy; // a batch is in flight or waiting to fill

    /**
     * @param maxSize 1 writes every request by itself at once, as many at a time as come
     * @param sizes records the size of every batch written
     */
    public GroupCommit(
            Function<List<I>, Uni<List<O>>> write,
            int maxSize,
            Duration maxWait,
            Duration deadline,
            DistributionSummary sizes) {
        if (maxSize < 1 || maxWait.isNegative()) {
            throw new IllegalStateException(
                    "a group commit needs max-size >= 1 and max-wait >= PT0S");
        }
        this.write = write;
        this.maxSize = maxSize;
        this.maxWait = maxWait;
        this.deadline = deadline;
        this.sizes = sizes;
    }

    /**
     * Writes {@code input} with whatever other requests share its batch, answering its own result.
     */
    public Uni<O> submit(I input) {
        if (maxSize == 1) {
            return Uni.createFrom()
                    .deferred(
                            () -> {
                                sizes.record(1);
                                return write.apply(List.of(input)).map(results -> results.get(0));
                            });
        }
        return Uni.createFrom()
                .<O>emitter(
                        emitter -> {
                            Pending<I, O> pending =
                                    new Pending<>(input, emitter, Vertx.currentContext());
                            emitter.onTermination(() -> dequeue(pending));
                            enqueue(pending);
                        })
                .ifNoItem()
                .after(deadline)
                .failWith(() -> new DatabaseUnavailable("no answer within " + deadline, null));
    }

    private void enqueue(Pending<I, O> pending) {
        boolean start;
        synchronized (this) {
            queue.add(pending);
            start = !busy;
            busy = true;
        }
        if (!start) {
            return;
        }
        if (maxWait.isZero()) {
            send();
        } else {
            Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(maxWait)
                    .subscribe()
                    .with(ignored -> send());
        }
    }

    private synchronized void dequeue(Pending<I, O> pending) {
        queue.remove(pending);
    }

    /** Writes the next batch; when it is answered, the requests that came meanwhile go at once. */
    private void send() {
        List<Pending<I, O>> batch = new ArrayList<>();
        synchronized (this) {
            while (batch.size() < maxSize && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            if (batch.isEmpty()) {
                busy = false;
                return;
            }
        }
        sizes.record(batch.size());
        Uni.createFrom()
                .deferred(() -> write.apply(batch.stream().map(Pending::input).toList()))
                .subscribe()
                .with(
                        results -> {
                            for (int i = 0; i < batch.size(); i++) {
                                batch.get(i).complete(results.get(i));
                            }
                            send();
                        },
                        failure -> {
                            batch.forEach(pending -> pending.fail(failure));
                            send();
                        });
    }

    private record Pending<I, O>(I input, UniEmitter<? super O> emitter, Context context) {
        void complete(O result) {
            onContext(() -> emitter.complete(result));
        }

        void fail(Throwable failure) {
            onContext(() -> emitter.fail(failure));
        }

        /** Answers on the request's own context, as its own statement's answer would come. */
        private void onContext(Runnable action) {
            if (context == null || context == Vertx.currentContext()) {
                action.run();
            } else {
                context.runOnContext(ignored -> action.run());
            }
        }
    }
}
