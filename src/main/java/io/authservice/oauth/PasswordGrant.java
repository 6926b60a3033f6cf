package io.authservice.oauth;

import io.authservice.clients.Client;
import io.authservice.passwords.HashingShare;
import io.authservice.passwords.LoginThrottle;
import io.authservice.passwords.PasswordHasher.Outcome;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.sessions.Sessions;
import io.authservice.tokens.AccessTokens;
import io.authservice.tokens.AccessTokens.Content;
import io.authservice.tokens.Subject;
import io.authservice.users.User;
import io.authservice.users.UserRepository;
import io.authservice.users.Usernames;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * RFC 6749 §4.3: a user's credentials for an access token and the first refresh token of a new
 * session. Unknown users and wrong passwords are answered alike, after the same hashing work.
 */
@Singleton
public class PasswordGrant {

    /**
     * The request field and answer member that carry a device token ({@code
     * passwords.KnownDevices}).
     */
    public static final String DEVICE_TOKEN = "device_token";

    private static final Logger LOG = Logger.getLogger(PasswordGrant.class);
    private static final String BAD_CREDENTIALS = "invalid username or password";
    private static final int MAX_USERNAME_CHARS = 4 * Usernames.MAX_LENGTH;
    private static final int MAX_PASSWORD_CHARS = 1024;

    private final UserRepository users;
    private final HashingShare hashing;
    private final LoginThrottle throttle;
    private final AccessTokens accessTokens;
    private final Sessions sessions;
    private final Audit audit;
    private final Database database;

    PasswordGrant(
            UserRepository users,
            HashingShare hashing,
            LoginThrottle throttle,
            AccessTokens accessTokens,
            Sessions sessions,
            Audit audit,
            Database database) {
        this.users = users;
        this.hashing = hashing;
        this.throttle = throttle;
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.audit = audit;
        this.database = database;
    }

    /**
     * @param source the caller's address, for the throttle and the audit log
     */
    Uni<TokenResponse> grant(GrantRequest request, Client client, String source) {
        String clientId = client.clientId();
        String username = GrantRequest.required(request.username(), "username");
        String password = GrantRequest.required(request.password(), "password");
        if (username.length() > MAX_USERNAME_CHARS || password.length() > MAX_PASSWORD_CHARS) {
            throw Failure.invalidRequest("username or password too long");
        }
        String scope = Scopes.requested(request.requestedScope(), client.scope());
        String name = Usernames.normalize(username);
        return throttle.reserve(name, source, request.deviceToken())
                .onFailure(Failure.class)
                .invoke(() -> audit.login("throttled", null, clientId, source))
                .chain(
                        attempt ->
                                users.findByUsername(name)
                                        .chain(
                                                user ->
                                                        hashing.verify(
                                                                        source,
                                                                        password,
                                                                        user == null
                                                                                ? null
                                                                                : user.passwordHash)
                                                                .chain(
                                                                        outcome -> {
                                                                            // A disabled account
                                                                            // answers like a wrong
                                                                            // password: the answer
                                                                            // tells nothing
                                                                            // about whether the
                                                                            // password was right,
                                                                            // and the attempt stays
                                                                            // counted.
                                                                            if (outcome
                                                                                            == Outcome
                                                                                                    .MISMATCH
                                                                                    || !user.enabled) {
                                                                                audit.login(
                                                                                        outcome
                                                                                                        == Outcome
                                                                                                                .MISMATCH
                                                                                                ? "failure"
                                                                                                : "disabled",
                                                                                        user == null
                                                                                                ? null
                                                                                                : user.id,
                                                                                        clientId,
                                                                                        source);
                                                                                return throttle.failed(
                                                                                                attempt)
                                                                                        .chain(
                                                                                                () ->
                                                                                                        Uni
                                                                                                                .createFrom()
                                                                                                                .failure(
                                                                                                                        Failure
                                                                                                                                .invalidGrant(
                                                                                                                                        BAD_CREDENTIALS)));
                                                                            }
                                                                            return succeeded(
                                                                                            attempt)
                                                                                    .chain(
                                                                                            () ->
                                                                                                    rehashIfOutdated(
                                                                                                            user,
                                                                                                            password,
                                                                                                            outcome,
                                                                                                            source))
                                                                                    .chain(
                                                                                            hash ->
                                                                                                    startSession(
                                                                                                            subjectOf(
                                                                                                                    user),
                                                                                                            hash,
                                                                                                            client,
                                                                                                            scope))
                                                                                    .map(
                                                                                            answer ->
                                                                                                    answer
                                                                                                            .withDeviceToken(
                                                                                                                    throttle
                                                                                                                            .deviceToken(
                                                                                                                                    name)))
                                                                                    .invoke(
                                                                                            () ->
                                                                                                    audit
                                                                                                            .login(
                                                                                                                    "success",
                                                                                                                    user.id,
                                                                                                                    clientId,
                                                                                                                    source));
                                                                        })));
    }

    /** The throttle forgets the attempt's failures, in one transaction. */
    private Uni<Void> succeeded(LoginThrottle.Attempt attempt) {
        return database.inTransaction(tx -> throttle.succeeded(tx, attempt));
    }

    /**
     * Signs first, then saves the session: a busy signer (429) leaves no session behind.
     *
     * @param passwordHash the hash the login verified: the session starts only while it is current
     */
    private Uni<TokenResponse> startSession(
            Subject subject, String passwordHash, Client client, String scope) {
        UUID session = UUID.randomUUID();
        Duration lifespan = client.lifespan().orElseGet(accessTokens::defaultLifespan);
        return accessTokens
                .issueSigned(
                        Content.user(
                                subject,
                                session,
                                client.clientId(),
                                scope,
                                client.audience(),
                                lifespan))
                .chain(
                        signed ->
                                sessions.start(
                                                session,
                                                subject.id(),
                                                passwordHash,
                                                client.clientId(),
                                                scope,
                                                signed.kid())
                                        .map(
                                                refreshToken ->
                                                        TokenResponse.bearer(
                                                                signed.token(),
                                                                lifespan,
                                                                refreshToken,
                                                                scope)));
    }

    /**
     * Re-hashes with the configured parameters after a login that matched an older hash, unless the
     * hash changed meanwhile. Returns the hash now current for this login.
     */
    private Uni<String> rehashIfOutdated(
            User user, String password, Outcome outcome, String source) {
        if (outcome != Outcome.MATCH_OUTDATED) {
            return Uni.createFrom().item(user.passwordHash);
        }
        return hashing.hash(source, password)
                .chain(
                        hash ->
                                users.upgradePasswordHash(user.id, user.passwordHash, hash)
                                        .invoke(
                                                upgraded ->
                                                        LOG.infof(
                                                                "password hash of user %s upgraded: %s",
                                                                user.id, upgraded))
                                        .map(upgraded -> upgraded ? hash : user.passwordHash));
    }

    private static Subject subjectOf(User user) {
        return new Subject(user.id, user.username, user.roleList());
    }
}
