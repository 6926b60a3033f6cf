package io.authservice.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The batching rules of {@link GroupCommit}, with a write whose answer the test releases: a lone
 * request goes at once, requests arriving while a batch is in flight share the next one (at most
 * max-size each), each gets its own result, and one whose deadline passes while queued is never
 * written.
 */
class GroupCommitTest {

    /** Every batch written, and a way to answer it (results: the inputs, doubled). */
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    private final List<CompletableFuture<List<Integer>>> answers = new CopyOnWriteArrayList<>();
    private final DistributionSummary sizes =
            DistributionSummary.builder("test").register(new SimpleMeterRegistry());

    private GroupCommit<Integer, Integer> group(int maxSize, Duration deadline) {
        return new GroupCommit<>(
                inputs -> {
                    batches.add(inputs);
                    CompletableFuture<List<Integer>> answer = new CompletableFuture<>();
                    answers.add(answer);
                    return Uni.createFrom().completionStage(answer);
                },
                maxSize,
                Duration.ZERO,
                deadline,
                sizes);
    }

    private void answer(int batch) {
        answers.get(batch).complete(batches.get(batch).stream().map(i -> i * 2).toList());
    }

    @Test
    void requestsArrivingWhileABatchIsInFlightShareTheNextOne() throws Exception {
        GroupCommit<Integer, Integer> group = group(64, Duration.ofSeconds(5));
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        results.add(group.submit(1).subscribeAsCompletionStage());
        assertEquals(List.of(List.of(1)), batches, "a lone request is written at once");
        for (int i = 2; i <= 6; i++) {
            results.add(group.submit(i).subscribeAsCompletionStage());
        }
        assertEquals(1, batches.size(), "nothing else is sent while a batch is in flight");

        answer(0);
        assertEquals(List.of(2, 3, 4, 5, 6), batches.get(1));
        answer(1);
        for (int i = 0; i < results.size(); i++) {
            assertEquals(
                    (i + 1) * 2,
                    results.get(i).get(1, TimeUnit.SECONDS),
                    "each request gets its own result");
        }
        assertEquals(6, (long) sizes.totalAmount());
        assertEquals(2, sizes.count());
    }

    @Test
    void aBatchHoldsAtMostMaxSize() {
        GroupCommit<Integer, Integer> group = group(2, Duration.ofSeconds(5));
        for (int i = 1; i <= 6; i++) {
            group.submit(i).subscribeAsCompletionStage();
        }
        answer(0);
        answer(1);
        answer(2);
        assertEquals(List.of(List.of(1), List.of(2, 3), List.of(4, 5), List.of(6)), batches);
    }

    @Test
    void aFailedBatchFailsItsRequestsAndTheNextBatchStillGoes() throws Exception {
        GroupCommit<Integer, Integer> group = group(64, Duration.ofSeconds(5));
        CompletableFuture<Integer> first = group.submit(1).subscribeAsCompletionStage();
        CompletableFuture<Integer> second = group.submit(2).subscribeAsCompletionStage();
        answers.get(0).completeExceptionally(new IllegalStateException("boom"));
        assertTrue(first.isCompletedExceptionally());
        answer(1);
        assertEquals(4, second.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aRequestWhoseDeadlinePassesWhileQueuedIsNeverWritten() throws Exception {
        GroupCommit<Integer, Integer> group = group(64, Duration.ofMillis(200));
        CompletableFuture<Integer> inFlight = group.submit(1).subscribeAsCompletionStage();
        CompletableFuture<Integer> queued = group.submit(2).subscribeAsCompletionStage();

        Throwable failure = queued.handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
        assertInstanceOf(DatabaseUnavailable.class, failure);
        // Its own deadline passed too (a timer of its own, which may fire a moment later): 503,
        // as alone, whatever the late answer below.
        assertInstanceOf(
                DatabaseUnavailable.class, inFlight.handle((ok, e) -> e).get(5, TimeUnit.SECONDS));
        answer(0);
        assertEquals(List.of(List.of(1)), batches, "the late request was dropped, not written");
        assertTrue(
                inFlight.isCompletedExceptionally(), "its own deadline passed too: 503, as alone");
        group.submit(3).subscribeAsCompletionStage();
        assertEquals(List.of(3), batches.get(1), "the next request goes at once");
    }

    @Test
    void maxSizeOneWritesEveryRequestAtOnce() {
        GroupCommit<Integer, Integer> group = group(1, Duration.ofSeconds(5));
        group.submit(1).subscribeAsCompletionStage();
        group.submit(2).subscribeAsCompletionStage();
        assertEquals(List.of(List.of(1), List.of(2)), batches);
    }
}
