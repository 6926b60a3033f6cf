package io.authservice.clients;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A client of the token endpoint: the configured first-party public client, or one an administrator
 * registered (RFC 7591 metadata). Never holds a secret.
 *
 * @param accessTokenLifespan seconds, or null for {@code auth.tokens.access-token-lifespan}
 * @param introspectionAllowed whether it may call {@code /oauth2/introspect} (for the tokens meant
 *     for it)
 */
public record Client(
        String clientId,
        String clientName,
        Set<String> grantTypes,
        String tokenEndpointAuthMethod,
        List<String> scope,
        List<String> audience,
        String jwks,
        List<String> allowedCorsOrigins,
        String refreshTokenMode,
        Integer accessTokenLifespan,
        boolean introspectionAllowed,
        Instant createdAt) {

    public static final String PASSWORD = "password";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final Set<String> GRANT_TYPES =
            Set.of(PASSWORD, REFRESH_TOKEN, CLIENT_CREDENTIALS);

    public static final String CLIENT_SECRET_BASIC = "client_secret_basic";
    public static final String CLIENT_SECRET_POST = "client_secret_post";
    public static final String PRIVATE_KEY_JWT = "private_key_jwt";
    public static final String NONE = "none";
    public static final List<String> AUTH_METHODS =
            List.of(CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT, NONE);

    public static final String BODY = "body";
    public static final String COOKIE = "cookie";

    /** A client that authenticates (RFC 6749 §2.1): anything but {@code none}. */
    public boolean confidential() {
        return !NONE.equals(tokenEndpointAuthMethod);
    }

    public boolean usesSecret() {
        return usesSecret(tokenEndpointAuthMethod);
    }

    static boolean usesSecret(String method) {
        return CLIENT_SECRET_BASIC.equals(method) || CLIENT_SECRET_POST.equals(method);
    }

    /**
     * A public client whose refresh token travels in a cookie (web/oauth RefreshCookie), not in the
     * body.
     */
    public boolean cookieMode() {
        return COOKIE.equals(refreshTokenMode);
    }

    public boolean mayUse(String grantType) {
        return grantTypes.contains(grantType);
    }

    public Optional<Duration> lifespan() {
        return Optional.ofNullable(accessTokenLifespan).map(Duration::ofSeconds);
    }
}
