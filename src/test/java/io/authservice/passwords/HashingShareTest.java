package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.passwords.PasswordHasher.Outcome;
import io.authservice.platform.Failure;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One source never holds more than half the hashing pool, however many jobs it sends. */
class HashingShareTest {

    /**
     * A hasher whose jobs finish when the test says, counting those of each password ("source").
     */
    static final class GatedHasher extends PasswordHasher {
        final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        final Map<String, Integer> most = new ConcurrentHashMap<>();
        final List<CompletableFuture<Outcome>> jobs = new ArrayList<>();

        GatedHasher() {
            super(new Argon2id(1024, 1, 1));
        }

        @Override
        public synchronized Uni<Outcome> verify(String password, String encoded) {
            int now = running.computeIfAbsent(password, p -> new AtomicInteger()).incrementAndGet();
            most.merge(password, now, Math::max);
            CompletableFuture<Outcome> job = new CompletableFuture<>();
            jobs.add(job);
            return Uni.createFrom()
                    .completionStage(job)
                    .onTermination()
                    .invoke(() -> running.get(password).decrementAndGet());
        }

        synchronized List<CompletableFuture<Outcome>> pending() {
            return jobs.stream().filter(job -> !job.isDone()).toList();
        }
    }

    @Test
    void oneSourceGetsHalfThePoolAndTheOtherStartsAtOnce() {
        GatedHasher hasher = new GatedHasher();
        HashingShare share = new HashingShare(hasher, 2, 8);
        List<CompletableFuture<Outcome>> flood = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // The password names the source for the counting hasher.
            flood.add(
                    share.verify("2001:db8:1:2::" + (i + 1), "flood", null)
                            .subscribeAsCompletionStage());
        }
        assertEquals(
                1,
                hasher.pending().size(),
                "one job of the /64 in the pool, the rest wait their turn");
        CompletableFuture<Outcome> owner =
                share.verify("192.0.2.7", "owner", null).subscribeAsCompletionStage();
        assertEquals(2, hasher.pending().size(), "another source's job enters the pool at once");

        CompletableFuture<Outcome> ninth =
                share.verify("2001:db8:1:2:ffff::9", "flood", null).subscribeAsCompletionStage();
        assertTrue(ninth.isCompletedExceptionally(), "beyond its admitted jobs the /64 gets 429");
        Failure refused = assertInstanceOf(Failure.class, ninth.handle((ok, e) -> e).join());
        assertEquals(Failure.Reason.TOO_MANY_REQUESTS, refused.reason);

        for (List<CompletableFuture<Outcome>> pending = hasher.pending();
                !pending.isEmpty();
                pending = hasher.pending()) {
            pending.get(0).complete(Outcome.MISMATCH);
        }
        assertTrue(
                flood.stream().allMatch(CompletableFuture::isDone),
                "every admitted job ran in its turn");
        assertTrue(owner.isDone());
        assertEquals(
                1,
                hasher.most.get("flood"),
                "the flooding source never had more than half the pool");
    }

    @Test
    void aRequestThatHangsUpKeepsItsThreadUntilItsHashEnds() {
        GatedHasher hasher = new GatedHasher();
        HashingShare share = new HashingShare(hasher, 2, 8);
        Cancellable first =
                share.verify("192.0.2.9", "flood", null).subscribe().with(ok -> {}, e -> {});
        CompletableFuture<Outcome> second =
                share.verify("192.0.2.9", "flood", null).subscribeAsCompletionStage();
        assertEquals(1, hasher.pending().size());

        first.cancel(); // the client hung up; its hash goes on
        assertEquals(
                1,
                hasher.pending().size(),
                "the next job waits for the thread, not for the request");
        hasher.pending().get(0).complete(Outcome.MISMATCH);
        assertEquals(1, hasher.pending().size(), "it starts when the thread is free");
        hasher.pending().get(0).complete(Outcome.MISMATCH);
        assertEquals(Outcome.MISMATCH, second.join());
        assertEquals(1, hasher.most.get("flood"));
    }

    @Test
    void aWaitingRequestThatHangsUpLeavesItsPlace() {
        GatedHasher hasher = new GatedHasher();
        HashingShare share = new HashingShare(hasher, 2, 4);
        List<Cancellable> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            admitted.add(
                    share.verify("192.0.2.10", "flood", null).subscribe().with(ok -> {}, e -> {}));
        }
        admitted.get(3).cancel();
        CompletableFuture<Outcome> again =
                share.verify("192.0.2.10", "flood", null).subscribeAsCompletionStage();
        assertTrue(!again.isDone(), "admitted in the cancelled one's place, waiting its turn");
        while (!hasher.pending().isEmpty()) {
            hasher.pending().get(0).complete(Outcome.MISMATCH);
        }
        assertEquals(Outcome.MISMATCH, again.join());
        assertEquals(4, hasher.jobs.size(), "the cancelled one never hashed");
    }
}
