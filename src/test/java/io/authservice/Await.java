package io.authservice;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waits for a condition instead of for a guessed time: polls it until it holds or the deadline
 * passes, then fails with what was awaited and the last value seen.
 */
public final class Await {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Await() {}

    /** Polls {@code condition} until it is true; fails after {@code deadline}. */
    public static void until(String what, Duration deadline, Callable<Boolean> condition)
            throws Exception {
        value(what, deadline, condition, Boolean.TRUE::equals);
    }

    /**
     * Polls {@code value} until {@code accepted} holds for it and returns it; fails after {@code
     * deadline}.
     */
    public static <T> T value(
            String what, Duration deadline, Callable<T> value, Predicate<? super T> accepted)
            throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T seen = value.call();
            if (accepted.test(seen)) {
                return seen;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(
                        "not within " + deadline + ": " + what + " (last seen: " + seen + ")");
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                throw new InterruptedException("awaiting " + what);
            }
        }
    }
}
