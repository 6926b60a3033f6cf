package io.authservice.oauth;

import io.authservice.audit.Audit;
import io.authservice.clients.Client;
import io.authservice.tokens.AccessTokens.Content;
import java.time.Duration;
import java.util.UUID;
import io.authservice.passwords.HashingShare;
import io.authservice.passwords.LoginThrottle;
import io.authservice.passwords.PasswordHasher.Outcome;
import io.authservice.tokens.AccessTokens;
import io.authservice.tokens.RefreshTokens;
import io.authservice.tokens.Subject;
import io.authservice.users.User;
import io.authservice.users.UserRepository;
import io.authservice.users.Usernames;
import io.authservice.web.ApiError;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The grants of {@code POST /oauth2/token}. */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);
    private static final String BAD_CREDENTIALS = "invalid username or password";
    static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
    private static final int MAX_USERNAME_CHARS = 4 * Usernames.MAX_LENGTH;
    private static final int MAX_PASSWORD_CHARS = 1024;

    private final UserRepository users;
    private final HashingShare hashing;
    private final LoginThrottle throttle;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final Audit audit;

    TokenService(UserRepository users, HashingShare hashing, LoginThrottle throttle, AccessTokens accessTokens,
            RefreshTokens refreshTokens, Audit audit) {
        this.audit = audit;
        this.users = users;
        this.hashing = hashing;
        this.throttle = throttle;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    /**
     * The grant a request asks for, for the client that was authenticated.
     *
     * @param source the caller's address, for the audit log
     */
    Uni<TokenResponse> grant(OAuthParams params, Client client, String source) {
        String grantType = params.required("grant_type");
        if (!Client.GRANT_TYPES.contains(grantType)) {
            throw new ApiError(Status.BAD_REQUEST, "unsupported_grant_type",
                    "supported grant types: " + String.join(", ", Client.GRANT_TYPES.stream().sorted().toList()));
        }
        if (!client.mayUse(grantType)) {
            throw new ApiError(Status.BAD_REQUEST, UNAUTHORIZED_CLIENT, "this client may not use the " + grantType + " grant");
        }
        return switch (grantType) {
            case Client.PASSWORD -> password(params, client, source);
            case Client.REFRESH_TOKEN -> refresh(params, client, source);
            default -> clientCredentials(params, client);
        };
    }

    /** RFC 6749 §4.4: the client's own access token, with no refresh token (§4.4.3). */
    private Uni<TokenResponse> clientCredentials(OAuthParams params, Client client) {
        String scope = Scopes.requested(params.optional("scope"), client.scope());
        Duration lifespan = lifespan(client);
        return accessTokens.issue(Content.client(client.clientId(), scope, client.audience(), lifespan))
                .map(accessToken -> new TokenResponse(accessToken, "Bearer", lifespan.toSeconds(), null, null, scope));
    }

    private Uni<TokenResponse> password(OAuthParams params, Client client, String source) {
        String clientId = client.clientId();
        String username = params.required("username");
        String password = params.required("password");
        if (username.length() > MAX_USERNAME_CHARS || password.length() > MAX_PASSWORD_CHARS) {
            throw ApiError.invalidRequest("username or password too long");
        }
        String scope = Scopes.requested(params.optional("scope"), client.scope());
        String name = Usernames.normalize(username);
        return throttle.reserve(name, source)
                .onFailure(ApiError.class).invoke(() -> audit.login("throttled", null, clientId, source))
                .chain(attempt -> users.findByUsername(name)
                .chain(user -> hashing.verify(source, password, user == null ? null : user.passwordHash)
                        .chain(outcome -> {
                            // A disabled account answers like a wrong password: the answer tells nothing
                            // about whether the password was right, and the attempt stays counted.
                            if (outcome == Outcome.MISMATCH || !user.enabled) {
                                audit.login(outcome == Outcome.MISMATCH ? "failure" : "disabled",
                                        user == null ? null : user.id, clientId, source);
                                return throttle.failed(attempt)
                                        .chain(() -> Uni.createFrom().failure(ApiError.invalidGrant(BAD_CREDENTIALS)));
                            }
                            return throttle.succeeded(attempt)
                                    .chain(() -> rehashIfOutdated(user, password, outcome, source))
                                    .chain(hash -> issue(subjectOf(user), hash, client, scope))
                                    .invoke(() -> audit.login("success", user.id, clientId, source));
                        })));
    }

    /**
     * One round trip for the common refresh: the token is spent and its successor stored in one
     * statement, which also answers the session the access token is signed for. With a scope asked
     * for, or a token the spend refused (a retry, reuse, an ended session), the token is first
     * inspected: a scope beyond the grant fails before anything changes. The access token is signed
     * after the spend; should that fail (a busy signer: 429), presenting the same refresh token
     * within {@code auth.tokens.refresh-retry-window} gets its successor, as after a lost answer.
     */
    private Uni<TokenResponse> refresh(OAuthParams params, Client client, String source) {
        String clientId = client.clientId();
        String presented = params.required("refresh_token");
        Optional<String> requested = params.optional("scope");
        Duration lifespan = lifespan(client);
        Uni<RefreshTokens.Rotated> spent = requested.isEmpty() ? refreshTokens.spend(presented, clientId)
                : Uni.createFrom().nullItem();
        return spent.chain(rotated -> rotated != null ? Uni.createFrom().item(rotated)
                        : refreshTokens.inspect(presented, clientId)
                                .invoke(session -> Scopes.narrow(requested, session.grantedScope()))
                                .chain(session -> refreshTokens.rotate(session, clientId)
                                        .map(next -> new RefreshTokens.Rotated(session, next))))
                .chain(rotated -> {
                    Subject subject = rotated.session().subject();
                    String scope = Scopes.narrow(requested, rotated.session().grantedScope());
                    return accessTokens.issue(Content.user(subject, rotated.session().familyId(), clientId, scope,
                                    client.audience(), lifespan))
                            .invoke(() -> audit.refresh(rotated.next().retry() ? "retry" : "success", subject.id(),
                                    clientId, source))
                            .map(accessToken -> response(accessToken, lifespan, rotated.next(), scope));
                })
                .onFailure(ApiError.class).invoke(() -> audit.refresh("failure", null, clientId, source));
    }

    /**
     * Signs first, then saves the session: a busy signer (429) leaves no session behind.
     *
     * @param passwordHash the hash the login verified: the session starts only while it is current
     */
    private Uni<TokenResponse> issue(Subject subject, String passwordHash, Client client, String scope) {
        UUID session = UUID.randomUUID();
        Duration lifespan = lifespan(client);
        return accessTokens.issue(Content.user(subject, session, client.clientId(), scope, client.audience(), lifespan))
                .chain(accessToken -> refreshTokens.start(session, subject.id(), passwordHash, client.clientId(), scope)
                        .map(refreshToken -> response(accessToken, lifespan, refreshToken, scope)));
    }

    /**
     * Re-hashes with the configured parameters after a login that matched an older hash, unless the
     * hash changed meanwhile. Returns the hash now current for this login.
     */
    private Uni<String> rehashIfOutdated(User user, String password, Outcome outcome, String source) {
        if (outcome != Outcome.MATCH_OUTDATED) {
            return Uni.createFrom().item(user.passwordHash);
        }
        return hashing.hash(source, password)
                .chain(hash -> users.upgradePasswordHash(user.id, user.passwordHash, hash)
                        .invoke(upgraded -> LOG.infof("password hash of user %s upgraded: %s", user.id, upgraded))
                        .map(upgraded -> upgraded ? hash : user.passwordHash));
    }

    private Duration lifespan(Client client) {
        return client.lifespan().orElseGet(accessTokens::defaultLifespan);
    }

    private static TokenResponse response(String accessToken, Duration lifespan, RefreshTokens.Issued refreshToken,
            String scope) {
        return new TokenResponse(accessToken, "Bearer", lifespan.toSeconds(), refreshToken.token(),
                refreshToken.expiresIn(), scope);
    }

    private static Subject subjectOf(User user) {
        return new Subject(user.id, user.username, user.roleList());
    }
}
