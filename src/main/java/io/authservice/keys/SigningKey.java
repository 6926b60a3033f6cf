package io.authservice.keys;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;

/** One signing key as held in memory. {@code publicJwk} is its public JWK, ready for the JWKS. */
public record SigningKey(
        String kid,
        String algorithm,
        KeyState state,
        PublicKey publicKey,
        PrivateKey privateKey,
        String publicJwk,
        Instant createdAt) {

    public enum KeyState { ACTIVE, NEXT, RETIRED }
}
