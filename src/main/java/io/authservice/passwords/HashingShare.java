package io.authservice.passwords;

import io.authservice.config.PasswordsConfig;
import io.authservice.passwords.PasswordHasher.Outcome;
import io.authservice.platform.Failure;
import io.authservice.platform.SourceKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Fair shares of the hashing pool between sources ({@link SourceKey#of}: an IPv6 /64 is one): a
 * source has at most half the pool's threads' worth of jobs in the pool at once, so one source can
 * never take the whole pool, and at most {@code auth.passwords.hashing-per-address} jobs admitted
 * (waiting here or in the pool); beyond that it gets 429. A source's waiting jobs enter the pool in
 * order, as its own jobs finish.
 */
@Singleton
public class HashingShare {

    private final PasswordHasher hasher;
    private final int inPool;
    private final int admitted;
    private final Map<String, Share> shares = new HashMap<>();

    @Inject
    HashingShare(PasswordHasher hasher, PasswordsConfig config) {
        this(hasher, config.hashingThreads(), config.hashingPerAddress());
    }

    HashingShare(PasswordHasher hasher, int poolThreads, int perSource) {
        this.hasher = hasher;
        this.inPool = Math.max(1, poolThreads / 2);
        this.admitted = Math.max(inPool, perSource);
    }

    public Uni<Outcome> verify(String address, String password, String encoded) {
        return shared(address, () -> hasher.verify(password, encoded));
    }

    public Uni<String> hash(String address, String password) {
        return shared(address, () -> hasher.hash(password));
    }

    private <T> Uni<T> shared(String address, Supplier<Uni<T>> work) {
        String source = SourceKey.of(address);
        return Uni.createFrom()
                .deferred(
                        () -> {
                            Turn turn = new Turn(source, Vertx.currentContext());
                            if (!admit(turn)) {
                                return Uni.createFrom()
                                        .failure(
                                                Failure.tooManyRequests(
                                                        "too many password checks from this address at once; retry shortly",
                                                        1));
                            }
                            return Uni.createFrom()
                                    .completionStage(turn.started)
                                    .chain(ignored -> begin(turn, work))
                                    .onCancellation()
                                    .invoke(() -> abandon(turn));
                        });
    }

    /**
     * Runs the work; its thread is given back when the work ends, not when the request does: a
     * client that hangs up cannot make room for its next job while its last one still hashes.
     */
    private <T> Uni<T> begin(Turn turn, Supplier<Uni<T>> work) {
        synchronized (this) {
            if (turn.state != State.STARTED) {
                return Uni.createFrom().failure(new CancellationException());
            }
            turn.working = true;
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        work.get()
                .subscribe()
                .with(
                        result -> {
                            finish(turn);
                            answer.complete(result);
                        },
                        failure -> {
                            finish(turn);
                            answer.completeExceptionally(failure);
                        });
        // Cancelling the request cancels this future only, not the work.
        return Uni.createFrom().completionStage(answer);
    }

    private synchronized boolean admit(Turn turn) {
        Share share = shares.computeIfAbsent(turn.source, s -> new Share());
        if (share.admitted >= admitted) {
            return false;
        }
        share.admitted++;
        if (share.inPool < inPool) {
            share.inPool++;
            turn.state = State.STARTED;
            turn.started.complete(null);
        } else {
            share.waiting.add(turn);
        }
        return true;
    }

    /**
     * The request was cancelled: a waiting turn leaves its line, a started one without work ends.
     */
    private void abandon(Turn turn) {
        synchronized (this) {
            if (turn.state == State.WAITING) {
                shares.get(turn.source).waiting.remove(turn);
                turn.state = State.DONE;
                leave(turn.source);
                return;
            }
            if (turn.state != State.STARTED || turn.working) {
                return;
            }
        }
        finish(turn);
    }

    /**
     * The turn's thread is free (once per turn): the source's next waiting turn may enter the pool.
     */
    private void finish(Turn turn) {
        Turn next = null;
        synchronized (this) {
            if (turn.state != State.STARTED) {
                return;
            }
            turn.state = State.DONE;
            Share share = shares.get(turn.source);
            share.inPool--;
            next = share.waiting.poll();
            if (next != null) {
                share.inPool++;
                next.state = State.STARTED;
            }
            leave(turn.source);
        }
        if (next != null) {
            next.start();
        }
    }

    private void leave(String source) {
        Share share = shares.get(source);
        if (--share.admitted == 0) {
            shares.remove(source);
        }
    }

    private static final class Share {
        int admitted;
        int inPool;
        final ArrayDeque<Turn> waiting = new ArrayDeque<>();
    }

    private enum State {
        WAITING,
        STARTED,
        DONE
    }

    /**
     * A job's turn; it starts on its own request's context, where its database session continues.
     * Its state and {@code working} are guarded by the share's monitor.
     */
    private static final class Turn {
        final CompletableFuture<Void> started = new CompletableFuture<>();
        final String source;
        private final Context context;
        State state = State.WAITING;
        boolean working;

        Turn(String source, Context context) {
            this.source = source;
            this.context = context;
        }

        void start() {
            if (context == null) {
                started.complete(null);
            } else {
                context.runOnContext(ignored -> started.complete(null));
            }
        }
    }
}
