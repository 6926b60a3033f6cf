package io.authservice.users;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.panache.common.Sort;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Users in PostgreSQL through Hibernate Reactive; each method opens the session it needs. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    @WithSession
    public Uni<User> findByUsername(String normalizedUsername) {
        return find("username", normalizedUsername).firstResult();
    }

    @WithSession
    public Uni<User> findByIdOrNull(UUID id) {
        return findById(id);
    }

    @WithSession
    public Uni<Boolean> anyWithRole(String role) {
        return count("array_contains(roles, ?1)", role).map(n -> n > 0);
    }

    @WithSession
    public Uni<Boolean> usernameTaken(String normalizedUsername) {
        return count("username", normalizedUsername).map(n -> n > 0);
    }

    @WithTransaction
    public Uni<User> add(User user) {
        return persist(user);
    }

    /** A page of users whose username or email contains {@code term} (any case), by username. */
    @WithSession
    public Uni<List<User>> search(String term, int page, int size) {
        return find("username like ?1 or lower(email) like ?1", Sort.by("username"), pattern(term))
                .page(page, size).list();
    }

    @WithSession
    public Uni<Long> countMatching(String term) {
        return count("username like ?1 or lower(email) like ?1", pattern(term));
    }

    /** Administrators who can still log in, other than {@code except}. */
    @WithSession
    public Uni<Long> otherEnabledAdmins(UUID except) {
        return count("array_contains(roles, ?1) and enabled = true and id <> ?2", "admin", except);
    }

    @WithTransaction
    public Uni<Integer> setEnabled(UUID id, boolean enabled) {
        return update("enabled = ?1, updatedAt = ?2 where id = ?3", enabled, Instant.now(), id);
    }

    @WithTransaction
    public Uni<Integer> setRoles(UUID id, List<String> roles) {
        return update("roles = ?1, updatedAt = ?2 where id = ?3", roles.toArray(String[]::new), Instant.now(), id);
    }

    @WithTransaction
    public Uni<Boolean> remove(UUID id) {
        return deleteById(id);
    }

    private static String pattern(String term) {
        String escaped = term.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_");
        return "%" + escaped + "%";
    }

    @WithTransaction
    public Uni<Integer> updatePasswordHash(UUID id, String passwordHash) {
        return update("passwordHash = ?1, updatedAt = ?2 where id = ?3", passwordHash, Instant.now(), id);
    }
}
