package io.authservice.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BoundedWorkerTest {

    @Test
    void runsWorkOnItsOwnThreads() {
        try (BoundedWorker worker = new BoundedWorker("hashing", 2, 4)) {
            String thread =
                    worker.submit(() -> Thread.currentThread().getName())
                            .await()
                            .atMost(Duration.ofSeconds(5));
            assertTrue(thread.startsWith("hashing-"), thread);
        }
    }

    @Test
    void refusesWorkBeyondItsQueueWith429() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try (BoundedWorker worker = new BoundedWorker("hashing", 1, 1)) {
            Uni<Boolean> busy = worker.submit(() -> await(release));
            busy.subscribe().with(ignored -> {});
            worker.submit(() -> await(release)).subscribe().with(ignored -> {});
            Throwable refused =
                    worker.submit(() -> true)
                            .onItem()
                            .transform(x -> (Throwable) null)
                            .onFailure()
                            .recoverWithItem(f -> f)
                            .await()
                            .atMost(Duration.ofSeconds(5));
            Failure error = assertInstanceOf(Failure.class, refused);
            assertEquals(Failure.Reason.TOO_MANY_REQUESTS, error.reason);
            assertTrue(error.retryAfter >= 1);
            release.countDown();
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
