package io.authservice.oauth;

import io.authservice.clients.Client;
import io.authservice.platform.Failure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code POST /oauth2/token}: checks the grant type against the client, then hands over to its
 * grant.
 */
@ApplicationScoped
public class TokenService {

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
    public Uni<TokenResponse> grant(GrantRequest request, Client client, String source) {
        String grantType = GrantRequest.required(request.grantType(), "grant_type");
        if (!Client.GRANT_TYPES.contains(grantType)) {
            throw new Failure(
                    Failure.Reason.UNSUPPORTED_GRANT_TYPE,
                    "supported grant types: "
                            + String.join(", ", Client.GRANT_TYPES.stream().sorted().toList()));
        }
        if (!client.mayUse(grantType)) {
            throw new Failure(
                    Failure.Reason.GRANT_NOT_PERMITTED,
                    "this client may not use the " + grantType + " grant");
        }
        return switch (grantType) {
            case Client.PASSWORD -> password.grant(request, client, source);
            case Client.REFRESH_TOKEN -> refreshToken.grant(request, client, source);
            default -> clientCredentials.grant(request, client);
        };
    }
}
