package io.authservice.users;

import io.quarkus.security.AuthenticationFailedException;
import java.security.Principal;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The user a bearer token is about: its {@code sub}, which for user tokens is the user's id. */
public final class Callers {

    private Callers() {}

    /**
     * The user id of a request's principal; a validly signed token whose {@code sub} is not one is
     * no user's token (unauthenticated).
     */
    public static UUID id(Principal caller) {
        UUID id = userId(caller);
        if (id == null) {
            throw new AuthenticationFailedException("the token's subject is not a user");
        }
        return id;
    }

    /**
     * The session ({@code sid}) a user's token was issued in; a token without one is no session's
     * (unauthenticated).
     */
    public static UUID session(Principal caller) {
        UUID session = caller instanceof JsonWebToken token ? userId(claim(token, "sid")) : null;
        if (session == null) {
            throw new AuthenticationFailedException("the token names no session");
        }
        return session;
    }

    /** The user id of a token's subject, or null when it names no user (e.g. a client). */
    static UUID userId(Principal principal) {
        if (!(principal instanceof JsonWebToken token)
                || token.getSubject() == null
                || token.getSubject().equals(claim(token, "client_id"))) {
            return null; // no token, or a client's own token (client_credentials): no user
        }
        return userId(token.getSubject());
    }

    /** The user id {@code subject} names, in its canonical form only; otherwise null. */
    public static UUID userId(String subject) {
        if (subject == null) {
            return null;
        }
        try {
            UUID id = UUID.fromString(subject);
            // UUID.fromString accepts short forms such as 1-1-1-1-1: only the canonical form names
            // a user.
            return id.toString().equalsIgnoreCase(subject) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A string claim of a token, or null (smallrye-jwt may hold it as a JSON string). */
    public static String claim(JsonWebToken token, String name) {
        Object value = token.getClaim(name);
        return value instanceof jakarta.json.JsonString json
                ? json.getString()
                : value == null ? null : value.toString();
    }
}
