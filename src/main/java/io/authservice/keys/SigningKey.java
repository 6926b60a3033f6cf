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
        Dates dates) {

    /** Published and signing: NEXT is published but does not sign yet, RETIRED no longer signs. */
    public enum KeyState {
        ACTIVE,
        NEXT,
        RETIRED
    }

    /** When the key was made, started signing, is due to start, stopped, and leaves the JWKS. */
    public record Dates(
            Instant created,
            Instant activated,
            Instant activateAt,
            Instant retired,
            Instant removeAt) {

        static Dates createdNow() {
            return new Dates(Instant.now(), null, null, null, null);
        }
    }
}
