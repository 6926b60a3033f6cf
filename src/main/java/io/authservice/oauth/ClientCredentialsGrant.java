package io.authservice.oauth;

import io.authservice.clients.Client;
import io.authservice.tokens.AccessTokens;
import io.authservice.tokens.AccessTokens.Content;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;

/** RFC 6749 §4.4: the client's own access token, with no refresh token (§4.4.3). */
@Singleton
class ClientCredentialsGrant {

    private final AccessTokens accessTokens;

    ClientCredentialsGrant(AccessTokens accessTokens) {
        this.accessTokens = accessTokens;
    }

    Uni<TokenResponse> grant(GrantRequest request, Client client) {
        String scope = Scopes.requested(request.requestedScope(), client.scope());
        Duration lifespan = client.lifespan().orElseGet(accessTokens::defaultLifespan);
        return accessTokens
                .issue(Content.client(client.clientId(), scope, client.audience(), lifespan))
                .map(accessToken -> TokenResponse.bearer(accessToken, lifespan, scope));
    }
}
