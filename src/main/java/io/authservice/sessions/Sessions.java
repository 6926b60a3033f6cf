package io.authservice.sessions;

import io.authservice.config.SessionsConfig;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.tokens.Subject;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Sessions (one per login) and the rotation of their opaque refresh tokens: every refresh spends
 * the presented token and adds its successor to the session (RFC 9700 §4.14.2).
 *
 * <p>A client whose answer was lost presents the spent token again; within {@code
 * auth.tokens.refresh-retry-window}, from the same client, while the successor is unused, it gets
 * that same successor back ({@link RefreshTokenCodec#successor}) and the session lives on. Any
 * other presentation of a spent token is reuse and ends the session. Exactly-once spending is a
 * conditional UPDATE in PostgreSQL ({@link SessionStore}), so it holds across replicas.
 */
@Singleton
@Startup // a retry window beyond its cap stops the start, not the first refresh
public class Sessions {

    private static final String INVALID = "the refresh token is invalid, expired or revoked";

    static final Duration MAX_RETRY_WINDOW = Duration.ofSeconds(60);

    /** A refresh token, the seconds it may be used for, and whether it answers a retry. */
    public record Issued(String token, long expiresIn, boolean retry) {}

    /**
     * A presented refresh token that may be refreshed: its session, whose it is, for which client,
     * the scope granted at login, and whether it was already spent (then only a retry can succeed).
     */
    public record Presented(
            String token,
            UUID sessionId,
            Subject subject,
            String clientId,
            String grantedScope,
            boolean spent) {}

    /** A refresh done: the session of the spent token and its successor. */
    public record Rotated(Presented session, Issued next) {}

    private final SessionStore store;
    private final RefreshTokenCodec codec;
    private final Audit audit;
    private final double retryWindowSeconds;

    Sessions(SessionStore store, RefreshTokenCodec codec, Audit audit, SessionsConfig config) {
        this.store = store;
        this.codec = codec;
        this.audit = audit;
        this.retryWindowSeconds = retryWindowSeconds(config.refreshRetryWindow());
    }

    /**
     * The retry window in seconds, refused beyond its cap at start-up: within the window whoever
     * presents a spent token (a thief too) gets its live successor, so it must stay short.
     */
    static double retryWindowSeconds(Duration window) {
        if (window.isNegative() || window.compareTo(MAX_RETRY_WINDOW) > 0) {
            throw new IllegalStateException(
                    "auth.tokens.refresh-retry-window is "
                            + window
                            + ": it must be between PT0S and "
                            + MAX_RETRY_WINDOW
                            + " (within it, a spent refresh token presented again gets its live successor)");
        }
        return window.toMillis() / 1000.0;
    }

    /**
     * Starts a session (a login) and returns its first token, only while the user is enabled and
     * {@code passwordHash} (the one the login verified) is still current; otherwise invalid_grant.
     * The session is stored only while {@code signingKid}, the key that signed the login's access
     * token, exists ({@link SessionStore#insert}): once a withdrawal deleted it, 503 (the login may
     * be retried and is signed by the next key).
     */
    public Uni<Issued> start(
            UUID sessionId,
            UUID userId,
            String passwordHash,
            String clientId,
            String scope,
            String signingKid) {
        String token = codec.newToken();
        return store.insert(
                        sessionId,
                        userId,
                        passwordHash,
                        clientId,
                        scope,
                        signingKid,
                        RefreshTokenCodec.hash(token))
                .map(
                        inserted -> {
                            if (!inserted.signerLive()) {
                                throw Failure.temporarilyUnavailable(
                                        "the signing key was withdrawn meanwhile; retry the login");
                            }
                            if (!inserted.stored()) {
                                throw Failure.invalidGrant(
                                        "the password was changed or the account disabled");
                            }
                            return new Issued(token, inserted.expiresIn(), false);
                        });
    }

    /**
     * Reads what {@code token} allows {@code clientId} to do, without changing anything: fails with
     * {@code invalid_grant} unless it is a known token of a live session of that client (or a spent
     * one, which {@link #rotate} then judges as a retry or as reuse).
     */
    public Uni<Presented> inspect(String token, String clientId) {
        if (!codec.plausible(token)) {
            return Uni.createFrom().failure(Failure.invalidGrant(INVALID));
        }
        return store.find(RefreshTokenCodec.hash(token))
                .map(
                        found -> {
                            // A spent token goes on to rotate(), which tells a retry from reuse and
                            // revokes on reuse.
                            if (found == null
                                    || (!found.spent()
                                            && !(found.live()
                                                    && clientId.equals(found.clientId())))) {
                                throw Failure.invalidGrant(INVALID);
                            }
                            return new Presented(
                                    token,
                                    found.sessionId(),
                                    found.subject(),
                                    found.clientId(),
                                    found.scope(),
                                    found.spent());
                        });
    }

    /**
     * The common refresh in one round trip: spends {@code token} of a live session of {@code
     * clientId} and stores its successor, answering whose session it is. Null when nothing was
     * spent (an unknown, spent or ended token, another client's): {@link #inspect} and {@link
     * #rotate} then judge it.
     */
    public Uni<Rotated> spend(String token, String clientId) {
        if (!codec.plausible(token)) {
            return Uni.createFrom().failure(Failure.invalidGrant(INVALID));
        }
        String successor = codec.successor(token);
        return store.spend(
                        new SessionStore.Spend(
                                RefreshTokenCodec.hash(token),
                                RefreshTokenCodec.hash(successor),
                                clientId))
                .map(
                        spent ->
                                spent == null
                                        ? null
                                        : new Rotated(
                                                new Presented(
                                                        token,
                                                        spent.sessionId(),
                                                        spent.subject(),
                                                        clientId,
                                                        spent.scope(),
                                                        false),
                                                new Issued(
                                                        successor,
                                                        Math.max(0, spent.expiresIn()),
                                                        false)));
    }

    /**
     * Spends {@code presented} by {@code clientId} and answers its successor; or, for a token
     * already spent (also by a concurrent request a moment ago), answers the same successor if this
     * is a retry, and ends the session otherwise.
     */
    public Uni<Issued> rotate(Presented presented, String clientId) {
        if (presented.spent()) {
            return retry(presented.token(), clientId);
        }
        // Spent a moment ago by a concurrent request, or ended meanwhile: judged as spent.
        return spend(presented.token(), clientId)
                .chain(
                        rotated ->
                                rotated != null
                                        ? Uni.createFrom().item(rotated.next())
                                        : retry(presented.token(), clientId));
    }

    /**
     * A spent token presented again: within the retry window, by the client of its session, with
     * the successor unused and the session live, it is a retry and gets that successor; otherwise
     * it is reuse and the session ends.
     */
    private Uni<Issued> retry(String token, String clientId) {
        List<String> candidates = codec.successorCandidates(token);
        List<byte[]> candidateHashes = candidates.stream().map(RefreshTokenCodec::hash).toList();
        byte[] tokenHash = RefreshTokenCodec.hash(token);
        return store.liveSuccessor(tokenHash, candidateHashes, retryWindowSeconds, clientId)
                .chain(
                        successor -> {
                            if (successor == null) {
                                return revokeReused(tokenHash)
                                        .chain(
                                                () ->
                                                        Uni.createFrom()
                                                                .failure(
                                                                        Failure.invalidGrant(
                                                                                INVALID)));
                            }
                            for (int i = 0; i < candidates.size(); i++) {
                                if (Arrays.equals(candidateHashes.get(i), successor.hash())) {
                                    return Uni.createFrom()
                                            .item(
                                                    new Issued(
                                                            candidates.get(i),
                                                            Math.max(0, successor.expiresIn()),
                                                            true));
                                }
                            }
                            throw new IllegalStateException(
                                    "the successor found is none of the candidates");
                        });
    }

    private Uni<Void> revokeReused(byte[] tokenHash) {
        return store.revokeReused(tokenHash)
                .invoke(
                        reused ->
                                reused.forEach(
                                        session ->
                                                audit.reuseDetected(
                                                        session.sessionId(), session.userId())))
                .replaceWithVoid();
    }

    /**
     * Ends the session of a token of {@code clientId} (RFC 7009); unknown tokens and other clients'
     * tokens are ignored. Returns the sessions ended.
     */
    public Uni<Integer> revoke(String presented, String clientId) {
        if (!codec.plausible(presented)) {
            return Uni.createFrom().item(0);
        }
        return store.revoke(RefreshTokenCodec.hash(presented), clientId);
    }

    /**
     * The user of session {@code sessionId} while it is live and belongs to {@code userId};
     * otherwise null.
     */
    public Uni<SessionUser> liveSession(UUID sessionId, UUID userId) {
        return store.liveSession(sessionId, userId);
    }

    /**
     * What a refresh token allows while it can still be used (unspent, unexpired, session live);
     * otherwise null.
     */
    public Uni<UsableToken> usable(String token) {
        if (!codec.plausible(token)) {
            return Uni.createFrom().nullItem();
        }
        return store.usable(RefreshTokenCodec.hash(token));
    }
}
