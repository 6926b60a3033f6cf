package io.authservice.maintenance;

import io.authservice.keys.KeyLifecycle;
import io.authservice.keys.KeyRing;
import io.authservice.platform.db.Database;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's signing keys current: at start and each {@code auth.keys.refresh-interval},
 * the key lifecycle's transitions that are due ({@link KeyLifecycle#advance}, in a transaction of
 * their own; one replica at a time), then the key ring reloads what changed. Keys from files are
 * read again instead.
 */
@Singleton
public class KeyRotation {

    private static final Logger LOG = Logger.getLogger(KeyRotation.class);

    private final Database database;
    private final KeyLifecycle lifecycle;
    private final KeyRing keys;

    KeyRotation(Database database, KeyLifecycle lifecycle, KeyRing keys) {
        this.database = database;
        this.lifecycle = lifecycle;
        this.keys = keys;
    }

    /** At start the replica waits for the lock: it must not start without an active key. */
    void onStart(@Observes StartupEvent event) {
        Uni<Void> start =
                keys.managedByFiles()
                        ? keys.reloadFiles()
                        : advance(true).chain(keys::reload).replaceWithVoid();
        Database.retriedAtStart(start, "loading the signing keys")
                .await()
                .atMost(Duration.ofMinutes(2));
        KeyRing.Snapshot snapshot = keys.snapshot();
        LOG.infof(
                "signing keys loaded from %s; active key %s (%s), %d published",
                keys.source(),
                snapshot.active().kid(),
                snapshot.active().algorithm(),
                snapshot.published().size());
    }

    @Scheduled(
            every = "${auth.keys.refresh-interval}",
            delayed = "${auth.keys.refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (keys.snapshot() == null) {
            return Uni.createFrom().voidItem(); // still starting
        }
        if (keys.managedByFiles()) {
            return keys.reloadFiles()
                    .onFailure()
                    .invoke(e -> LOG.errorf("key files not reloaded: %s", e.getMessage()))
                    .onFailure()
                    .recoverWithNull();
        }
        return advance(false)
                .onFailure(Database::unreachable)
                .invoke(e -> LOG.warnf("key lifecycle step skipped: %s", e.getMessage()))
                .onFailure(e -> !Database.unreachable(e))
                .invoke(e -> LOG.error("key lifecycle step failed", e))
                .onFailure()
                .recoverWithItem(false)
                .chain(keys::refresh)
                // The keys in memory keep serving (JWKS, signing) until the database answers again.
                .onFailure(Database::unreachable)
                .invoke(e -> LOG.warnf("signing keys not reloaded: %s", e.getMessage()))
                .onFailure(Database::unreachable)
                .recoverWithNull();
    }

    /** The transitions that are due; {@code wait} blocks for the lock instead of skipping. */
    private Uni<Boolean> advance(boolean wait) {
        return database.inTransaction(
                lifecycle.transitionDeadline(), tx -> lifecycle.advance(tx, wait));
    }
}
