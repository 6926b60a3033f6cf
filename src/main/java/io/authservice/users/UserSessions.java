package io.authservice.users;

import io.authservice.platform.Audit;
import io.authservice.platform.db.Transaction;
import io.authservice.sessions.SessionStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Ending every session of a user: a step of the transaction of a use case (a password change, an
 * administrator disabling, deleting or changing the roles of a user), never a transaction of its
 * own.
 */
@Singleton
public class UserSessions {

    private final UserRepository users;
    private final SessionStore sessionStore;
    private final Audit audit;

    UserSessions(UserRepository users, SessionStore sessionStore, Audit audit) {
        this.users = users;
        this.sessionStore = sessionStore;
        this.audit = audit;
    }

    /**
     * Ends every session of a user, in the caller's transaction: refreshes refuse sessions created
     * before now, and the existing ones are revoked. Fails with {@code not_found} if there is no
     * such user.
     */
    public Uni<Integer> endAll(Transaction conn, UUID id, String reason, String source) {
        return users.endSessionsNow(conn, id)
                .chain(
                        exists ->
                                exists
                                        ? sessionStore.revokeAllOfUser(conn, id, reason)
                                        : Uni.createFrom().failure(UserRepository.notFound()))
                .invoke(n -> audit.revocation(reason, id, n, source));
    }
}
