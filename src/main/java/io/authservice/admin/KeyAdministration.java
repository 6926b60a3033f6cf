package io.authservice.admin;

import io.authservice.keys.KeyLifecycle;
import io.authservice.keys.KeyLifecycle.Withdrawal;
import io.authservice.keys.KeyRing;
import io.authservice.keys.SigningKey;
import io.authservice.platform.Audit;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.authservice.sessions.SessionStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/** What administrators do to the signing keys: staged rotation and emergency withdrawal. */
@Singleton
public class KeyAdministration {

    /** A withdrawal done: the key withdrawn, the key that signs now, and the sessions ended. */
    public record Withdrawn(String kid, String activeKid, int revokedSessions) {}

    private final Database database;
    private final KeyLifecycle lifecycle;
    private final KeyRing keys;
    private final SessionStore sessionStore;
    private final Audit audit;

    KeyAdministration(
            Database database,
            KeyLifecycle lifecycle,
            KeyRing keys,
            SessionStore sessionStore,
            Audit audit) {
        this.database = database;
        this.lifecycle = lifecycle;
        this.keys = keys;
        this.sessionStore = sessionStore;
        this.audit = audit;
    }

    /** Staged rotation: the next key is published now and signs after the lead time. */
    public Uni<SigningKey> rotate() {
        return database.inTransaction(lifecycle.transitionDeadline(), lifecycle::rotateNow)
                .chain(kid -> keys.reload().map(s -> s.published().get(kid)));
    }

    /**
     * Emergency withdrawal of a compromised key, in one transaction: the key leaves the JWKS (so
     * access tokens it signed stop verifying) and the sessions that received a token while it was
     * signing end. A login racing it cannot slip through: its session is stored only while it holds
     * the key's row (FOR KEY SHARE), so the delete waits for it and the revocation after the delete
     * sees it; once the key is gone such a login is refused (503, and retried with the next key).
     * This replica then reloads its keys and stops signing with the withdrawn one; until then its
     * refreshes still signed with it, so the sessions they rotated end too, in a second
     * transaction.
     */
    public Uni<Withdrawn> withdraw(String kid) {
        return database.inTransaction(
                        lifecycle.transitionDeadline(),
                        conn -> lifecycle.withdraw(conn, kid).chain(w -> ended(conn, w, 0)))
                .call(keys::reload)
                .chain(
                        first ->
                                database.inTransaction(
                                        conn -> ended(conn, first.withdrawal, first.sessions)))
                .map(
                        all ->
                                new Withdrawn(
                                        all.withdrawal.kid(),
                                        all.withdrawal.activeKid(),
                                        all.sessions))
                .invoke(w -> audit.revocation("key_withdrawn", null, w.revokedSessions(), "admin"));
    }

    private record Ended(Withdrawal withdrawal, int sessions) {}

    private Uni<Ended> ended(Transaction conn, Withdrawal w, int before) {
        return endSessions(conn, w).map(n -> new Ended(w, before + n));
    }

    private Uni<Integer> endSessions(Transaction conn, Withdrawal w) {
        return w.signedFrom() == null
                ? Uni.createFrom().item(0)
                : sessionStore.revokeIssuedBetween(
                        conn, w.signedFrom(), w.signedUntil(), "key_withdrawn");
    }
}
