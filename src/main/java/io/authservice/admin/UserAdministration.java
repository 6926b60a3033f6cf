package io.authservice.admin;

import io.authservice.passwords.LoginThrottle;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.authservice.users.AdministratorCheck;
import io.authservice.users.User;
import io.authservice.users.UserRepository;
import io.authservice.users.UserSessions;
import io.authservice.users.UserView;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * What administrators do to accounts. Disabling or deleting a user, or changing roles, ends the
 * user's sessions in the same transaction; the last enabled administrator cannot be disabled,
 * deleted or demoted.
 */
@ApplicationScoped
public class UserAdministration {

    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Page(List<UserView> items, int page, int size, long total) {}

    private static final String SOURCE = "admin";

    private final Database db;
    private final UserRepository users;
    private final UserSessions sessions;
    private final AdministratorCheck administrators;
    private final LoginThrottle throttle;

    UserAdministration(
            Database db,
            UserRepository users,
            UserSessions sessions,
            AdministratorCheck administrators,
            LoginThrottle throttle) {
        this.throttle = throttle;
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.administrators = administrators;
    }

    public Uni<Page> search(String term, int page, int size) {
        String q = term == null ? "" : term.strip();
        return users.search(q, page, size)
                .chain(
                        found ->
                                users.countMatching(q)
                                        .map(
                                                total ->
                                                        new Page(
                                                                found.stream()
                                                                        .map(UserView::of)
                                                                        .toList(),
                                                                page,
                                                                size,
                                                                total)));
    }

    /** The user with the account limit of its logins. */
    public Uni<UserView> read(UUID id) {
        return users.get(id)
                .chain(user -> throttle.accountLimit(user.username).map(UserView.of(user)::with));
    }

    /**
     * Lifts the account limit at once: strangers' consecutive failed logins are forgotten. The user
     * is read in the same transaction, held until the limit is lifted.
     */
    public Uni<Void> liftLoginLimit(UUID id) {
        return db.inTransaction(
                conn ->
                        users.lock(conn, id)
                                .onItem()
                                .ifNull()
                                .failWith(UserRepository::notFound)
                                .chain(user -> throttle.lift(conn, user.username)));
    }

    public Uni<UserView> setEnabled(UUID caller, UUID id, boolean enabled) {
        return guarded(
                        caller,
                        id,
                        enabled,
                        conn ->
                                users.setEnabled(conn, id, enabled)
                                        // Enabling vouches for the user: the account's consecutive
                                        // failed logins are forgotten.
                                        .call(
                                                user ->
                                                        enabled
                                                                ? throttle.lift(conn, user.username)
                                                                : sessions.endAll(
                                                                        conn,
                                                                        id,
                                                                        "user_disabled",
                                                                        SOURCE)))
                .map(UserView::of);
    }

    public Uni<UserView> setRoles(UUID caller, UUID id, List<String> roles) {
        List<String> distinct = roles.stream().distinct().toList();
        return guarded(
                        caller,
                        id,
                        distinct.contains(User.ADMIN),
                        conn ->
                                users.setRoles(conn, id, distinct)
                                        // Refreshed access tokens carry the new roles; older
                                        // sessions are ended to be sure.
                                        .call(
                                                () ->
                                                        sessions.endAll(
                                                                conn, id, "roles_changed", SOURCE)))
                .map(UserView::of);
    }

    public Uni<Void> delete(UUID caller, UUID id) {
        return guarded(
                caller,
                id,
                false,
                conn ->
                        sessions.endAll(conn, id, "user_deleted", SOURCE)
                                .chain(() -> users.delete(conn, id)));
    }

    public Uni<Integer> revokeSessions(UUID id) {
        return db.inTransaction(conn -> sessions.endAll(conn, id, "admin_revoked", SOURCE));
    }

    /**
     * Applies {@code change} to the user in one transaction. Unless the user stays an enabled
     * administrator ({@code keepsAdmin}), the change is refused when no other enabled administrator
     * would remain; all such changes wait for one lock, so two administrators disabling each other
     * at once cannot both succeed. Nobody changes their own account this way: an administrator who
     * could re-enable or re-promote themselves would survive their own removal.
     */
    private <T> Uni<T> guarded(
            UUID caller, UUID id, boolean keepsAdmin, Function<Transaction, Uni<T>> change) {
        if (id.equals(caller)) {
            return Uni.createFrom()
                    .failure(
                            new Failure(
                                    Failure.Reason.OWN_ACCOUNT,
                                    "administrators cannot enable, disable, delete or change the roles of their own account"));
        }
        return db.inTransaction(
                        conn ->
                                users.lockAdministration(conn)
                                        // Under the lock the caller is read again: one removed
                                        // meanwhile changes nothing.
                                        .chain(() -> users.lock(conn, caller))
                                        .invoke(
                                                self -> {
                                                    if (self == null
                                                            || !self.enabled
                                                            || !self.isAdmin()) {
                                                        throw new Failure(
                                                                Failure.Reason.FORBIDDEN,
                                                                "the access token does not grant this");
                                                    }
                                                })
                                        .chain(() -> users.lock(conn, id))
                                        .onItem()
                                        .ifNull()
                                        .failWith(UserRepository::notFound)
                                        .call(
                                                user ->
                                                        keepsAdmin
                                                                        || !user.isAdmin()
                                                                        || !user.enabled
                                                                ? Uni.createFrom().voidItem()
                                                                : users.enabledAdminExists(conn, id)
                                                                        .invoke(
                                                                                others -> {
                                                                                    if (!others) {
                                                                                        throw new Failure(
                                                                                                Failure
                                                                                                        .Reason
                                                                                                        .LAST_ADMIN,
                                                                                                "the last enabled administrator must stay");
                                                                                    }
                                                                                }))
                                        .chain(() -> change.apply(conn)))
                .eventually(() -> administrators.forget(id));
    }
}
