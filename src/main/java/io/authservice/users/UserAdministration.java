package io.authservice.users;

import io.authservice.audit.Audit;
import io.authservice.tokens.RefreshTokens;
import io.authservice.web.ApiError;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;
import java.util.List;
import java.util.UUID;

/**
 * What administrators do to accounts. Disabling or deleting a user, or changing roles, ends the
 * user's sessions; the last enabled administrator cannot be disabled, deleted or demoted.
 */
@ApplicationScoped
public class UserAdministration {

    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Page(List<UserView> items, int page, int size, long total) {}

    private final UserRepository users;
    private final UserService service;
    private final RefreshTokens sessions;
    private final Audit audit;

    UserAdministration(UserRepository users, UserService service, RefreshTokens sessions, Audit audit) {
        this.users = users;
        this.service = service;
        this.sessions = sessions;
        this.audit = audit;
    }

    public Uni<Page> search(String term, int page, int size) {
        String q = term == null ? "" : term.strip();
        return users.search(q, page, size).chain(found -> users.countMatching(q)
                .map(total -> new Page(found.stream().map(UserView::of).toList(), page, size, total)));
    }

    public Uni<UserView> read(UUID id) {
        return service.find(id).map(UserView::of);
    }

    public Uni<UserView> setEnabled(UUID id, boolean enabled) {
        return service.find(id)
                .call(user -> enabled ? Uni.createFrom().voidItem() : notTheLastAdmin(user))
                .call(user -> users.setEnabled(id, enabled))
                .call(user -> enabled ? Uni.createFrom().voidItem() : endSessions(id, "user_disabled"))
                .chain(() -> read(id));
    }

    public Uni<UserView> setRoles(UUID id, List<String> roles) {
        List<String> distinct = roles.stream().distinct().toList();
        return service.find(id)
                .call(user -> distinct.contains(BootstrapAdmin.ADMIN) ? Uni.createFrom().voidItem() : notTheLastAdmin(user))
                .call(user -> users.setRoles(id, distinct))
                // Refreshed access tokens carry the new roles; older sessions are ended to be sure.
                .call(user -> endSessions(id, "roles_changed"))
                .chain(() -> read(id));
    }

    public Uni<Void> delete(UUID id) {
        return service.find(id)
                .call(this::notTheLastAdmin)
                .call(user -> endSessions(id, "user_deleted"))
                .call(user -> users.remove(id))
                .replaceWithVoid();
    }

    public Uni<Integer> revokeSessions(UUID id) {
        return service.find(id).chain(user -> endSessions(id, "admin_revoked"));
    }

    private Uni<Integer> endSessions(UUID id, String reason) {
        return sessions.revokeAllOf(id, reason).invoke(n -> audit.revocation(reason, id, n, "admin"));
    }

    private Uni<Void> notTheLastAdmin(User user) {
        if (!user.roleList().contains(BootstrapAdmin.ADMIN)) {
            return Uni.createFrom().voidItem();
        }
        return users.otherEnabledAdmins(user.id).invoke(others -> {
            if (others == 0) {
                throw new ApiError(Status.CONFLICT, "last_admin", "the last enabled administrator must stay");
            }
        }).replaceWithVoid();
    }
}
