package io.authservice.sessions;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The user of a live session, as introspection, userinfo and {@code /users/me} tell it ({@code
 * createdAt}: when the account was made).
 */
public record SessionUser(
        UUID userId, String username, String email, List<String> roles, Instant createdAt) {}
