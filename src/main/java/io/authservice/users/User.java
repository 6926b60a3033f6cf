package io.authservice.users;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** A user account. {@code username} is stored normalized (see {@link Usernames}). */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    public UUID id;

    public String username;

    public String email;

    @Column(name = "password_hash")
    public String passwordHash;

    public String[] roles;

    public boolean enabled;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    static User create(String username, String email, String passwordHash, List<String> roles) {
        User user = new User();
        user.id = UUID.randomUUID();
        user.username = username;
        user.email = email;
        user.passwordHash = passwordHash;
        user.roles = roles.toArray(String[]::new);
        user.enabled = true;
        user.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        user.updatedAt = user.createdAt;
        return user;
    }

    public List<String> roleList() {
        return List.of(roles);
    }
}
