package io.authservice.passwords;

import io.authservice.config.AuthConfig;
import io.authservice.passwords.PasswordHasher.Outcome;
import io.authservice.web.ApiError;
import io.authservice.web.ClientAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Fair shares of the hashing pool between sources ({@link ClientAddress#source}: an IPv6 /64 is one):
 * a source has at most half the pool's threads' worth of jobs in the pool at once, so one source
 * can never take the whole pool, and at most {@code auth.passwords.hashing-per-address} jobs admitted
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
    HashingShare(PasswordHasher hasher, AuthConfig config) {
        this(hasher, config.passwords().hashingThreads(), config.passwords().hashingPerAddress());
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
        String source = ClientAddress.source(address);
        return Uni.createFrom().deferred(() -> {
            Turn turn = new Turn(Vertx.currentContext());
            if (!admit(source, turn)) {
                return Uni.createFrom().failure(ApiError.tooManyRequests(
                        "too many password checks from this address at once; retry shortly", 1));
            }
            return Uni.createFrom().completionStage(turn.started).chain(ignored -> work.get())
                    .onTermination().invoke(() -> release(source, turn));
        });
    }

    private synchronized boolean admit(String source, Turn turn) {
        Share share = shares.computeIfAbsent(source, s -> new Share());
        if (share.admitted >= admitted) {
            return false;
        }
        share.admitted++;
        if (share.inPool < inPool) {
            share.inPool++;
            turn.started.complete(null);
        } else {
            share.waiting.add(turn);
        }
        return true;
    }

    /** The turn ended (done, failed or cancelled): the source's next waiting turn may enter the pool. */
    private void release(String source, Turn turn) {
        Turn next = null;
        synchronized (this) {
            Share share = shares.get(source);
            share.admitted--;
            if (!share.waiting.remove(turn)) {
                share.inPool--;
                next = share.waiting.poll();
                if (next != null) {
                    share.inPool++;
                }
            }
            if (share.admitted == 0) {
                shares.remove(source);
            }
        }
        if (next != null) {
            next.start();
        }
    }

    private static final class Share {
        int admitted;
        int inPool;
        final ArrayDeque<Turn> waiting = new ArrayDeque<>();
    }

    /** A job's turn; it starts on its own request's context, where its database session continues. */
    private static final class Turn {
        final CompletableFuture<Void> started = new CompletableFuture<>();
        private final Context context;

        Turn(Context context) {
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
