package io.authservice.sessions;

import java.time.Instant;
import java.util.UUID;

/** A refresh token that can still be used, as introspection tells it (RFC 7662). */
public record UsableToken(
        UUID userId,
        String username,
        String clientId,
        String scope,
        Instant issuedAt,
        Instant expiresAt) {}
