package io.authservice.oauth;

import io.authservice.clients.Client;
import io.authservice.platform.ApiError;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

/**
 * {@code POST /oauth2/token}: checks the grant type against the client, then hands over to its
 * grant.
 */
@ApplicationScoped
public class TokenService {

    static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
    static final String UNAUTHORIZED_CLIENT = "unauthorized_client";

    private final PasswordGrant password;
    private final RefreshTokenGrant refreshToken;
    private final ClientCredentialsGrant clientCredentials;

    TokenService(
            PasswordGrant password,
            RefreshTokenGrant refreshToken,
            ClientCredentialsGrant clientCredentials) {
        this.password = password;
        this.refreshToken = refreshToken;
        this.clientCredentials = clientCredentials;
    }

    /**
     * The grant a request asks for, for the client that was authenticated.
     *
     * @param source the caller's address, for the throttle and the audit log
     */
    public Uni<TokenResponse> grant(OAuthParams params, Client client, String source) {
        String grantType = params.required("grant_type");
        if (!Client.GRANT_TYPES.contains(grantType)) {
            throw new ApiError(
                    Status.BAD_REQUEST,
                    UNSUPPORTED_GRANT_TYPE,
                    "supported grant types: "
                            + String.join(", ", Client.GRANT_TYPES.stream().sorted().toList()));
        }
        if (!client.mayUse(grantType)) {
            throw new ApiError(
                    Status.BAD_REQUEST,
                    UNAUTHORIZED_CLIENT,
                    "this client may not use the " + grantType + " grant");
        }
        return switch (grantType) {
            case Client.PASSWORD -> password.grant(params, client, source);
            case Client.REFRESH_TOKEN -> refreshToken.grant(params, client, source);
            default -> clientCredentials.grant(params, client);
        };
    }
}
