package io.authservice.sessions;

import java.util.List;
import java.util.UUID;

/** The user of a live session, as introspection and userinfo tell it. */
public record SessionUser(UUID userId, String username, String email, List<String> roles) {}
