package io.authservice.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The fields of {@code POST /oauth2/token}, for the OpenAPI document only: the endpoint reads them
 * itself ({@link OAuthParams}) from a form or a JSON body.
 */
@Schema(
        description =
                "RFC 6749 token request, as application/x-www-form-urlencoded or application/json")
public record TokenRequest(
        @JsonProperty("grant_type")
                @Schema(
                        required = true,
                        enumeration = {"password", "refresh_token"})
                String grantType,
        @Schema(description = "password grant") String username,
        @Schema(description = "password grant") String password,
        @JsonProperty("refresh_token")
                @Schema(
                        description =
                                "refresh_token grant; a cookie-mode client leaves it out and the refresh-token cookie is used")
                String refreshToken,
        @Schema(description = "space-separated; narrowing only on refresh") String scope,
        @JsonProperty("client_id") @Schema(description = "the public client, default web")
                String clientId) {}
