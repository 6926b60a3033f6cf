package io.authservice.oauth;

import io.authservice.clients.Client;
import io.authservice.clients.Clients;
import io.authservice.config.TokensConfig;
import io.authservice.keys.KeyRing;
import io.authservice.sessions.Sessions;
import io.authservice.tokens.AccessTokenVerifier;
import io.authservice.users.Callers;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;

/**
 * RFC 7662 introspection: what a token allows right now. An access token is active while its
 * signature, issuer and expiry hold (as a verifier with the JWKS would see them) AND what it was
 * issued for is still there: its user enabled and its session (sid) not ended, or its client still
 * registered for client_credentials. A refresh token is active while it can be used. A token that
 * could not be checked because the database did not answer is a 503, never {@code active: false}. A
 * client learns only about tokens meant for it: an access token with the client in its {@code aud}
 * or as its {@code client_id}, a refresh token of its own; any other token is {@code active: false}
 * to it, so a client cannot read other clients' users' sessions.
 */
@Singleton
public class Introspection {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);
    private static final int MAX_ACCESS_TOKEN_LENGTH = 8192;
    private static final List<String> DESCRIBED =
            List.of(
                    "sub",
                    "username",
                    "client_id",
                    "scope",
                    "exp",
                    "iat",
                    "iss",
                    "aud",
                    "jti",
                    "sid");

    private final JwtConsumer accessTokens;
    private final Sessions sessions;
    private final Clients clients;
    private final String issuer;

    Introspection(TokensConfig config, KeyRing keys, Sessions sessions, Clients clients) {
        this.accessTokens =
                AccessTokenVerifier.builder(config, keys)
                        .setSkipDefaultAudienceValidation()
                        .build();
        this.sessions = sessions;
        this.clients = clients;
        this.issuer = config.issuer();
    }

    /** What {@code token} allows, as far as the client {@code caller} may know. */
    public Uni<Map<String, Object>> introspect(String token, String caller) {
        // A JWS compact serialization has two dots; a refresh token is base64url without any.
        return token.indexOf('.') >= 0 ? accessToken(token, caller) : refreshToken(token, caller);
    }

    private Uni<Map<String, Object>> accessToken(String token, String caller) {
        JwtClaims claims;
        try {
            if (token.length() > MAX_ACCESS_TOKEN_LENGTH) {
                return Uni.createFrom().item(INACTIVE);
            }
            claims = accessTokens.processToClaims(token);
        } catch (InvalidJwtException e) {
            return Uni.createFrom().item(INACTIVE);
        }
        if (!meantFor(claims, caller)) {
            return Uni.createFrom().item(INACTIVE);
        }
        String sub = claims.getClaimValueAsString("sub");
        String sessionClaim = claims.getClaimValueAsString("sid");
        String clientId = claims.getClaimValueAsString("client_id");
        UUID user = Callers.userId(sub);
        Uni<Boolean> live;
        UUID session = Callers.userId(sessionClaim);
        if (user != null && session != null) {
            live = sessions.liveSession(session, user).map(found -> found != null);
        } else if (user == null && sessionClaim == null && sub.equals(clientId)) {
            live =
                    clients.find(clientId)
                            .map(
                                    client ->
                                            client != null
                                                    && client.mayUse(Client.CLIENT_CREDENTIALS));
        } else {
            live = Uni.createFrom().item(false); // a user token without a session is none of this
            // service's
        }
        return live.map(active -> active ? describe(claims) : INACTIVE);
    }

    private static boolean meantFor(JwtClaims claims, String caller) {
        try {
            return caller.equals(claims.getClaimValueAsString("client_id"))
                    || claims.getAudience().contains(caller);
        } catch (MalformedClaimException e) {
            return false;
        }
    }

    private Uni<Map<String, Object>> refreshToken(String token, String caller) {
        return sessions.usable(token)
                .map(
                        usable -> {
                            if (usable == null || !usable.clientId().equals(caller)) {
                                return INACTIVE;
                            }
                            Map<String, Object> answer = new LinkedHashMap<>();
                            answer.put("active", true);
                            answer.put("token_type", "refresh_token");
                            answer.put("sub", usable.userId().toString());
                            answer.put("username", usable.username());
                            answer.put("client_id", usable.clientId());
                            answer.put("scope", usable.scope());
                            answer.put("iat", usable.issuedAt().getEpochSecond());
                            answer.put("exp", usable.expiresAt().getEpochSecond());
                            answer.put("iss", issuer);
                            answer.put("aud", issuer); // a refresh token is for this server alone
                            return answer;
                        });
    }

    private static Map<String, Object> describe(JwtClaims claims) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("token_type", "Bearer");
        for (String name : DESCRIBED) {
            Object value =
                    name.equals("username")
                            ? claims.getClaimValue("preferred_username")
                            : claims.getClaimValue(name);
            if (value != null) {
                answer.put(name, value);
            }
        }
        return answer;
    }
}
