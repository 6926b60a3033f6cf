package io.authservice.users;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
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

    @WithTransaction
    public Uni<Integer> updatePasswordHash(UUID id, String passwordHash) {
        return update("passwordHash = ?1, updatedAt = ?2 where id = ?3", passwordHash, Instant.now(), id);
    }
}
