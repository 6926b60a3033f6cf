package io.authservice.oauth;

import io.authservice.clients.Client;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.sessions.Sessions;
import io.authservice.tokens.AccessTokens;
import io.authservice.tokens.AccessTokens.Content;
import io.authservice.tokens.Subject;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): the presented refresh token is spent for its
 * successor.
 */
@Singleton
class RefreshTokenGrant {

    private final AccessTokens accessTokens;
    private final Sessions sessions;
    private final Audit audit;

    RefreshTokenGrant(AccessTokens accessTokens, Sessions sessions, Audit audit) {
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.audit = audit;
    }

    /**
     * One round trip for the common refresh: the token is spent and its successor stored in one
     * statement, which also answers the session the access token is signed for. With a scope asked
     * for, or a token the spend refused (a retry, reuse, an ended session), the token is first
     * inspected: a scope beyond the grant fails before anything changes. The access token is signed
     * after the spend; should that fail (a busy signer: 429), presenting the same refresh token
     * within {@code auth.tokens.refresh-retry-window} gets its successor, as after a lost answer.
     */
    Uni<TokenResponse> grant(GrantRequest request, Client client, String source) {
        String clientId = client.clientId();
        String presented = GrantRequest.required(request.refreshToken(), "refresh_token");
        Optional<String> requested = request.requestedScope();
        Duration lifespan = client.lifespan().orElseGet(accessTokens::defaultLifespan);
        Uni<Sessions.Rotated> spent =
                requested.isEmpty()
                        ? sessions.spend(presented, clientId)
                        : Uni.createFrom().nullItem();
        return spent.chain(
                        rotated ->
                                rotated != null
                                        ? Uni.createFrom().item(rotated)
                                        : inspectThenRotate(presented, clientId, requested))
                .chain(
                        rotated -> {
                            Subject subject = rotated.session().subject();
                            String scope =
                                    Scopes.narrow(requested, rotated.session().grantedScope());
                            return accessTokens
                                    .issue(
                                            Content.user(
                                                    subject,
                                                    rotated.session().sessionId(),
                                                    clientId,
                                                    scope,
                                                    client.audience(),
                                                    lifespan))
                                    .invoke(
                                            () ->
                                                    audit.refresh(
                                                            rotated.next().retry()
                                                                    ? "retry"
                                                                    : "success",
                                                            subject.id(),
                                                            clientId,
                                                            source))
                                    .map(
                                            accessToken ->
                                                    TokenResponse.bearer(
                                                            accessToken,
                                                            lifespan,
                                                            rotated.next(),
                                                            scope));
                        })
                .onFailure(Failure.class)
                .invoke(() -> audit.refresh("failure", null, clientId, source));
    }

    /** Judges the token first: a scope beyond the grant fails before anything is spent. */
    private Uni<Sessions.Rotated> inspectThenRotate(
            String presented, String clientId, Optional<String> requested) {
        return sessions.inspect(presented, clientId)
                .invoke(session -> Scopes.narrow(requested, session.grantedScope()))
                .chain(
                        session ->
                                sessions.rotate(session, clientId)
                                        .map(next -> new Sessions.Rotated(session, next)));
    }
}
