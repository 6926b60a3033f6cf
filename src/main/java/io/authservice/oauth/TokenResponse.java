package io.authservice.oauth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.authservice.sessions.Sessions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;

/** A successful token answer (RFC 6749 §5.1). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("refresh_expires_in") Long refreshExpiresIn,
        String scope,
        @JsonProperty("device_token") String deviceToken) {

    /** A bearer access token alone (client_credentials, RFC 6749 §4.4.3). */
    static TokenResponse bearer(String accessToken, Duration lifespan, String scope) {
        return new TokenResponse(
                accessToken, "Bearer", lifespan.toSeconds(), null, null, scope, null);
    }

    /** A bearer access token and the session's refresh token. */
    static TokenResponse bearer(
            String accessToken, Duration lifespan, Sessions.Issued refreshToken, String scope) {
        return new TokenResponse(
                accessToken,
                "Bearer",
                lifespan.toSeconds(),
                refreshToken.token(),
                refreshToken.expiresIn(),
                scope,
                null);
    }

    /**
     * This answer without the refresh token (it travels in a cookie), keeping refresh_expires_in.
     */
    public TokenResponse withoutRefreshToken() {
        return new TokenResponse(
                accessToken, tokenType, expiresIn, null, refreshExpiresIn, scope, deviceToken);
    }

    /** This answer with the device token of a password login ({@code KnownDevices}). */
    TokenResponse withDeviceToken(String token) {
        return new TokenResponse(
                accessToken, tokenType, expiresIn, refreshToken, refreshExpiresIn, scope, token);
    }
}
