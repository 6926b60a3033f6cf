package io.authservice.users;

import io.authservice.config.UsersConfig;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The role {@code admin} counts only while the database says so: a token's {@code groups} are what
 * the user was when it was signed, up to its lifetime ago. For a token that claims the role, the
 * user is loaded by {@code sub} (kept for {@code auth.admin-recheck-interval} at most, and
 * forgotten at once when this replica changes the user); a user who is gone, disabled or no longer
 * an administrator loses the role, so every {@code @RolesAllowed("admin")} path answers 403.
 */
@Singleton
public class AdministratorCheck implements SecurityIdentityAugmentor {

    private static final int MAX_CACHED = 10_000;

    /** What the database said when a read began; {@code stale} marks a change made here since. */
    private record Verdict(boolean admin, long checkedAt, boolean stale) {}

    private final UserRepository users;
    private final long recheckNanos;
    private final Map<UUID, Verdict> verdicts = new ConcurrentHashMap<>();

    AdministratorCheck(UserRepository users, UsersConfig config) {
        this.users = users;
        this.recheckNanos = config.adminRecheckInterval().toNanos();
    }

    @Override
    public Uni<SecurityIdentity> augment(
            SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !identity.hasRole(User.ADMIN)) {
            return Uni.createFrom().item(identity);
        }
        UUID id = Callers.userId(identity.getPrincipal());
        if (id == null) {
            return Uni.createFrom().item(withoutAdmin(identity));
        }
        return isAdmin(id).map(admin -> admin ? identity : withoutAdmin(identity));
    }

    /** This replica changed the user: the next request reads it again. */
    public void forget(UUID id) {
        verdicts.put(id, new Verdict(false, System.nanoTime(), true));
    }

    private Uni<Boolean> isAdmin(UUID id) {
        long now = System.nanoTime();
        Verdict known = verdicts.get(id);
        if (known != null && !known.stale && now - known.checkedAt < recheckNanos) {
            return Uni.createFrom().item(known.admin);
        }
        return users.findById(id)
                .map(user -> user != null && user.enabled && user.isAdmin())
                .invoke(
                        admin -> {
                            if (verdicts.size() >= MAX_CACHED) {
                                verdicts.clear();
                            }
                            // A read that began before a change made here must not overwrite its
                            // mark.
                            verdicts.merge(
                                    id,
                                    new Verdict(admin, now, false),
                                    (old, read) -> old.checkedAt - read.checkedAt > 0 ? old : read);
                        });
    }

    private static SecurityIdentity withoutAdmin(SecurityIdentity identity) {
        Set<String> roles = new HashSet<>(identity.getRoles());
        roles.remove(User.ADMIN);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addRoles(roles)
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .setAnonymous(false)
                .build();
    }
}
