package io.authservice.users;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** A user account. {@code username} is stored normalized (see {@link Usernames}). */
public final class User {

    /** The role of administrators. */
    public static final String ADMIN = "admin";

    public final UUID id;
    public final String username;
    public final String email;
    public final String passwordHash;
    private final List<String> roles;
    public final boolean enabled;
    public final Instant createdAt;

    User(
            UUID id,
            String username,
            String email,
            String passwordHash,
            List<String> roles,
            boolean enabled,
            Instant createdAt) {
        this.id = id;
        this.username = username;
        this.email = email;
        this.passwordHash = passwordHash;
        this.roles = List.copyOf(roles);
        this.enabled = enabled;
        this.createdAt = createdAt;
    }

    public static User create(
            String username, String email, String passwordHash, List<String> roles) {
        return new User(
                UUID.randomUUID(),
                username,
                email,
                passwordHash,
                roles,
                true,
                Instant.now().truncatedTo(ChronoUnit.MICROS)); // PostgreSQL keeps microseconds
    }

    public List<String> roleList() {
        return roles;
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }
}
