package io.authservice.tokens;

import java.util.List;
import java.util.UUID;

/** Who a token is about: the user's stable id, username and roles. */
public record Subject(UUID id, String username, List<String> roles) {}
