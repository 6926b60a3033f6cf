package io.authservice.sessions;

import io.authservice.config.AuthConfig;
import io.authservice.keys.KeyEncryption;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.GroupCommit;
import io.authservice.tokens.Subject;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Opaque refresh tokens in families (one per login), kept only as SHA-256 hashes. Every refresh
 * spends the presented token and adds its successor to the family (RFC 9700 §4.14.2).
 *
 * <p>A token's successor is not random: it is an HMAC of the token under a key derived from the
 * KEK, so any replica can recompute it without the database holding it. A client whose answer was
 * lost presents the spent token again; within {@code auth.tokens.refresh-retry-window}, from the
 * same client, while the successor is unused, it gets that same successor back and the session
 * lives on. Any other presentation of a spent token is reuse and revokes the family. Exactly-once
 * spending is a conditional UPDATE in PostgreSQL, so it holds across replicas.
 */
@Singleton
@Startup // a retry window beyond its cap stops the start, not the first refresh
public class RefreshTokens {

    private static final int MAX_TOKEN_LENGTH = 256;
    private static final String INVALID = "the refresh token is invalid, expired or revoked";
    private static final String SUCCESSOR_PURPOSE = "auth-service refresh-token successor v1";

    /**
     * A family started before the user's last password change, disabling or session end is over.
     */
    private static final String SESSION_CURRENT =
            "f.created_at >= coalesce(u.sessions_not_before, '-infinity')";

    /** A refresh token, the seconds it may be used for, and whether it answers a retry. */
    public record Issued(String token, long expiresIn, boolean retry) {}

    /**
     * A presented refresh token that may be refreshed: whose session it is, for which client, the
     * scope granted at login, and whether it was already spent (then only a retry can succeed).
     */
    public record Presented(
            String token,
            UUID familyId,
            Subject subject,
            String clientId,
            String grantedScope,
            boolean spent) {}

    /** A refresh done: the session of the spent token and its successor. */
    public record Rotated(Presented session, Issued next) {}

    /** The user of a live session, as introspection and userinfo tell it. */
    public record SessionUser(UUID userId, String username, String email, List<String> roles) {}

    /** A usable refresh token, as introspection tells it (RFC 7662). */
    public record Usable(
            UUID userId,
            String username,
            String clientId,
            String scope,
            Instant issuedAt,
            Instant expiresAt) {}

    static final Duration MAX_RETRY_WINDOW = Duration.ofSeconds(60);

    private final Database database;
    private final Audit audit;
    private final List<SecretKey> successorKeys;
    private final long idleSeconds;
    private final long absoluteSeconds;
    private final double retryWindowSeconds;
    private final SecureRandom random = new SecureRandom();
    private final GroupCommit<Spend, Row> spends;

    RefreshTokens(
            Database database,
            Audit audit,
            AuthConfig config,
            KeyEncryption encryption,
            MeterRegistry metrics) {
        this.database = database;
        this.audit = audit;
        this.successorKeys = encryption.derivedKeys(SUCCESSOR_PURPOSE);
        this.idleSeconds = config.tokens().refreshIdleLifetime().toSeconds();
        this.absoluteSeconds = config.tokens().refreshAbsoluteLifetime().toSeconds();
        this.retryWindowSeconds = retryWindowSeconds(config.tokens().refreshRetryWindow());
        AuthConfig.Tokens.GroupCommit group = config.tokens().groupCommit();
        this.spends =
                new GroupCommit<>(
                        this::spendAll,
                        group.maxSize(),
                        group.maxWait(),
                        config.database().timeout(),
                        DistributionSummary.builder("auth.refresh.spend.batch")
                                .description("Refresh spends written by one statement")
                                .register(metrics));
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
     * Starts a family (a login session) and returns its first token, only while the user is enabled
     * and {@code passwordHash} (the one the login verified) is still current; otherwise
     * invalid_grant. FOR SHARE makes the check wait for a password change or disabling in progress
     * and see its outcome, and makes such a change wait until this family exists, so it revokes it.
     * The same holds for {@code signingKid}, the key that signed the login's access token (FOR KEY
     * SHARE: a withdrawal's delete conflicts with it, a rotation's update of the row does not): a
     * withdrawal deletes its row, so it waits for this family and then revokes it, or this family
     * is not started (503, the login may be retried and is signed by the next key).
     */
    public Uni<Issued> start(
            UUID familyId,
            UUID userId,
            String passwordHash,
            String clientId,
            String scope,
            String signingKid) {
        String token = newToken();
        long expiresIn = Math.min(idleSeconds, absoluteSeconds);
        return database.execute(
                        "with signer as (select kid from signing_keys where kid = $9 for key share),"
                                + " family as ("
                                + " insert into refresh_families (id, user_id, client_id, scope, expires_at)"
                                + " select $1, $2, $3, $4, now() + make_interval(secs => $5)"
                                + " where exists (select 1 from users where id = $2 and enabled and password_hash = $8"
                                + " for share) and ($9::text is null or exists (select 1 from signer)) returning id),"
                                + " first as (insert into refresh_tokens (token_hash, family_id, expires_at)"
                                + " select $6, id, now() + make_interval(secs => $7) from family returning 1)"
                                + " select (select count(*) from first) as started,"
                                + " $9::text is null or exists (select 1 from signer) as signer_live",
                        Tuple.from(
                                Arrays.asList(
                                        familyId,
                                        userId,
                                        clientId,
                                        scope,
                                        (double) absoluteSeconds,
                                        hash(token),
                                        (double) expiresIn,
                                        passwordHash,
                                        signingKid)))
                .map(
                        rows -> {
                            Row row = first(rows);
                            if (!row.getBoolean("signer_live")) {
                                throw Failure.temporarilyUnavailable(
                                        "the signing key was withdrawn meanwhile; retry the login");
                            }
                            if (row.getLong("started") == 0) {
                                throw Failure.invalidGrant(
                                        "the password was changed or the account disabled");
                            }
                            return new Issued(token, expiresIn, false);
                        });
    }

    /**
     * Reads what {@code token} allows {@code clientId} to do, without changing anything: fails with
     * {@code invalid_grant} unless it is a known token of a live session of that client (or a spent
     * one, which {@link #rotate} then judges as a retry or as reuse).
     */
    public Uni<Presented> inspect(String token, String clientId) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().failure(Failure.invalidGrant(INVALID));
        }
        return database.execute(
                        "select t.spent_at is not null as spent,"
                                + " (t.expires_at > now() and f.revoked_at is null and f.expires_at > now() and u.enabled"
                                + "  and "
                                + SESSION_CURRENT
                                + ") as live,"
                                + " f.id as family_id, f.client_id, f.scope, u.id as user_id, u.username, u.roles"
                                + " from refresh_tokens t join refresh_families f on f.id = t.family_id"
                                + " join users u on u.id = f.user_id where t.token_hash = $1",
                        Tuple.of(hash(token)))
                .map(
                        rows -> {
                            Row row = first(rows);
                            boolean spent = row != null && row.getBoolean("spent");
                            // A spent token goes on to rotate(), which tells a retry from reuse and
                            // revokes on reuse.
                            if (row == null
                                    || (!spent
                                            && !(row.getBoolean("live")
                                                    && clientId.equals(
                                                            row.getString("client_id"))))) {
                                throw Failure.invalidGrant(INVALID);
                            }
                            return new Presented(
                                    token,
                                    row.getUUID("family_id"),
                                    new Subject(
                                            row.getUUID("user_id"),
                                            row.getString("username"),
                                            List.of(row.getArrayOfStrings("roles"))),
                                    row.getString("client_id"),
                                    row.getString("scope"),
                                    spent);
                        });
    }

    /**
     * The common refresh in one round trip: spends {@code token} of a live session of {@code
     * clientId} and stores its successor, answering whose session it is. Null when nothing was
     * spent (an unknown, spent or ended token, another client's): {@link #inspect} and {@link
     * #rotate} then judge it. Concurrent spends share one statement and one commit ({@link
     * GroupCommit}).
     */
    public Uni<Rotated> spend(String token, String clientId) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().failure(Failure.invalidGrant(INVALID));
        }
        String successor = successor(token, successorKeys.get(0));
        return spends.submit(new Spend(hash(token), hash(successor), clientId))
                .map(
                        row -> {
                            if (row == null) {
                                return null;
                            }
                            Presented session =
                                    new Presented(
                                            token,
                                            row.getUUID("family_id"),
                                            new Subject(
                                                    row.getUUID("user_id"),
                                                    row.getString("username"),
                                                    List.of(row.getArrayOfStrings("roles"))),
                                            clientId,
                                            row.getString("scope"),
                                            false);
                            return new Rotated(
                                    session,
                                    new Issued(
                                            successor,
                                            Math.max(0, row.getLong("expires_in")),
                                            false));
                        });
    }

    /**
     * One spend of a batch: the hashes of the presented token and of its successor, and the client.
     */
    record Spend(Buffer tokenHash, Buffer successorHash, String clientId) {}

    /** {@code token}'s spend by {@code clientId}, for a batch. */
    Spend spendOf(String token, String clientId) {
        return new Spend(hash(token), hash(successor(token, successorKeys.get(0))), clientId);
    }

    /**
     * Spends a batch in one statement. The rows to spend are locked in token-hash order first, so
     * two replicas' batches holding the same tokens wait for each other instead of deadlocking. A
     * token twice in one batch is spent once: an UPDATE changes a row once, for one of its matching
     * inputs; the other input gets no row and is judged as a spent token (a retry, or reuse).
     */
    Uni<List<Row>> spendAll(List<Spend> batch) {
        Buffer[] tokens = batch.stream().map(Spend::tokenHash).toArray(Buffer[]::new);
        Buffer[] successors = batch.stream().map(Spend::successorHash).toArray(Buffer[]::new);
        String[] clients = batch.stream().map(Spend::clientId).toArray(String[]::new);
        return database.execute(
                        "with input as (select * from unnest($1::bytea[], $2::bytea[], $3::text[])"
                                + " with ordinality as i(token_hash, successor_hash, client_id, n)),"
                                + " locked as (select token_hash from refresh_tokens where token_hash = any($1) and spent_at is null"
                                + " order by token_hash for update),"
                                + " spent as ("
                                + " update refresh_tokens t set spent_at = now()"
                                + " from locked l, input i, refresh_families f, users u"
                                + " where t.token_hash = l.token_hash and i.token_hash = t.token_hash and t.expires_at > now()"
                                + " and f.id = t.family_id and f.revoked_at is null and f.expires_at > now()"
                                + " and f.client_id = i.client_id and u.id = f.user_id and u.enabled and "
                                + SESSION_CURRENT
                                + " returning i.n, i.successor_hash, t.family_id,"
                                + " least(f.expires_at, now() + make_interval(secs => $4)) as expires_at,"
                                + " f.scope, u.id as user_id, u.username, u.roles),"
                                // A data-modifying WITH runs to completion whether or not the query
                                // reads it.
                                + " next as (insert into refresh_tokens (token_hash, family_id, expires_at)"
                                + " select successor_hash, family_id, expires_at from spent)"
                                + " select n, family_id, scope, user_id, username, roles,"
                                + " extract(epoch from expires_at - now())::bigint as expires_in from spent",
                        Tuple.of(tokens, successors, clients, (double) idleSeconds))
                .map(
                        rows -> {
                            Row[] byInput = new Row[batch.size()];
                            rows.forEach(row -> byInput[row.getLong("n").intValue() - 1] = row);
                            return Arrays.asList(byInput);
                        });
    }

    /**
     * Spends {@code presented} by {@code clientId} and answers its successor; or, for a token
     * already spent (also by a concurrent request a moment ago), answers the same successor if this
     * is a retry, and revokes the family otherwise.
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
     * A spent token presented again: within the retry window, by the client of its family, with the
     * successor unused and the session live, it is a retry and gets that successor; otherwise it is
     * reuse and the family ends. The successor row is locked while deciding, so a concurrent use of
     * it is ordered before (then this is reuse) or after this answer.
     */
    private Uni<Issued> retry(String token, String clientId) {
        List<String> candidates = successorKeys.stream().map(key -> successor(token, key)).toList();
        Buffer[] candidateHashes =
                candidates.stream().map(RefreshTokens::hash).toArray(Buffer[]::new);
        return database.execute(
                        "select s.token_hash, extract(epoch from s.expires_at - now())::bigint as expires_in"
                                + " from refresh_tokens p"
                                + " join refresh_tokens s on s.family_id = p.family_id and s.token_hash = any($2)"
                                + " join refresh_families f on f.id = p.family_id join users u on u.id = f.user_id"
                                + " where p.token_hash = $1 and p.spent_at > now() - make_interval(secs => $3)"
                                + " and s.spent_at is null and s.expires_at > now()"
                                + " and f.revoked_at is null and f.expires_at > now() and f.client_id = $4 and u.enabled"
                                + " and "
                                + SESSION_CURRENT
                                + " for update of s",
                        Tuple.of(hash(token), candidateHashes, retryWindowSeconds, clientId))
                .chain(
                        rows -> {
                            Row row = first(rows);
                            if (row == null) {
                                return revokeReused(token)
                                        .chain(
                                                () ->
                                                        Uni.createFrom()
                                                                .failure(
                                                                        Failure.invalidGrant(
                                                                                INVALID)));
                            }
                            Buffer found = row.getBuffer("token_hash").getDelegate();
                            for (int i = 0; i < candidates.size(); i++) {
                                if (candidateHashes[i].equals(found)) {
                                    return Uni.createFrom()
                                            .item(
                                                    new Issued(
                                                            candidates.get(i),
                                                            Math.max(0, row.getLong("expires_in")),
                                                            true));
                                }
                            }
                            throw new IllegalStateException(
                                    "the successor found is none of the candidates");
                        });
    }

    /**
     * Revokes the family of a token of {@code clientId} (RFC 7009); unknown tokens and other
     * clients' tokens are ignored. Returns the families ended.
     */
    public Uni<Integer> revoke(String presented, String clientId) {
        if (presented.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().item(0);
        }
        return database.execute(
                        "update refresh_families set revoked_at = now(), revoked_reason = 'revoked'"
                                + " where revoked_at is null and client_id = $2"
                                + " and id = (select family_id from refresh_tokens where token_hash = $1)",
                        Tuple.of(hash(presented), clientId))
                .map(RowSet::rowCount);
    }

    /**
     * The user of session {@code familyId} while it is live and belongs to {@code userId};
     * otherwise null.
     */
    public Uni<SessionUser> liveSession(UUID familyId, UUID userId) {
        return database.execute(
                        "select u.username, u.email, u.roles from refresh_families f join users u on u.id = f.user_id"
                                + " where f.id = $1 and u.id = $2 and f.revoked_at is null and f.expires_at > now() and u.enabled"
                                + " and "
                                + SESSION_CURRENT,
                        Tuple.of(familyId, userId))
                .map(
                        rows -> {
                            Row row = first(rows);
                            return row == null
                                    ? null
                                    : new SessionUser(
                                            userId,
                                            row.getString("username"),
                                            row.getString("email"),
                                            List.of(row.getArrayOfStrings("roles")));
                        });
    }

    /**
     * What a refresh token allows while it can still be used (unspent, unexpired, session live);
     * otherwise null.
     */
    public Uni<Usable> usable(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().nullItem();
        }
        return database.execute(
                        "select u.id as user_id, u.username, f.client_id, f.scope, t.created_at, t.expires_at"
                                + " from refresh_tokens t join refresh_families f on f.id = t.family_id"
                                + " join users u on u.id = f.user_id where t.token_hash = $1 and t.spent_at is null"
                                + " and t.expires_at > now() and f.revoked_at is null and f.expires_at > now() and u.enabled"
                                + " and "
                                + SESSION_CURRENT,
                        Tuple.of(hash(token)))
                .map(
                        rows -> {
                            Row row = first(rows);
                            return row == null
                                    ? null
                                    : new Usable(
                                            row.getUUID("user_id"),
                                            row.getString("username"),
                                            row.getString("client_id"),
                                            row.getString("scope"),
                                            row.getOffsetDateTime("created_at").toInstant(),
                                            row.getOffsetDateTime("expires_at").toInstant());
                        });
    }

    /**
     * Ends every session of a user (password change, disabling, deletion), in the caller's
     * transaction.
     */
    public Uni<Integer> revokeAllOf(SqlClient db, UUID userId, String reason) {
        return db.preparedQuery(
                        "update refresh_families set revoked_at = now(), revoked_reason = $2"
                                + " where user_id = $1 and revoked_at is null")
                .execute(Tuple.of(userId, reason))
                .map(RowSet::rowCount);
    }

    /** Ends every session of a client (the client was deleted), in the caller's transaction. */
    public Uni<Integer> revokeAllOfClient(SqlClient db, String clientId, String reason) {
        return db.preparedQuery(
                        "update refresh_families set revoked_at = now(), revoked_reason = $2"
                                + " where client_id = $1 and revoked_at is null")
                .execute(Tuple.of(clientId, reason))
                .map(RowSet::rowCount);
    }

    /**
     * Ends every session that received a token between two instants (the time a withdrawn key was
     * signing): their access tokens were signed by that key. In the caller's transaction.
     */
    public Uni<Integer> revokeIssuedBetween(
            SqlClient db, Instant from, Instant until, String reason) {
        return db.preparedQuery(
                        "update refresh_families set revoked_at = now(), revoked_reason = $3"
                                + " where revoked_at is null and id in (select family_id from refresh_tokens"
                                // Up to the statement's own time too: a login that signed with the
                                // key and
                                // whose family the withdrawal waited for (start, FOR SHARE) is
                                // inside.
                                + " where created_at between $1 and greatest($2, clock_timestamp()))")
                .execute(
                        Tuple.of(
                                from.atOffset(ZoneOffset.UTC),
                                until.atOffset(ZoneOffset.UTC),
                                reason))
                .map(RowSet::rowCount);
    }

    private Uni<Void> revokeReused(String token) {
        return database.execute(
                        "update refresh_families f set revoked_at = now(), revoked_reason = 'reuse'"
                                + " from refresh_tokens t"
                                + " where t.token_hash = $1 and f.id = t.family_id and f.revoked_at is null"
                                + " returning f.id, f.user_id",
                        Tuple.of(hash(token)))
                .invoke(
                        rows ->
                                rows.forEach(
                                        row ->
                                                audit.reuseDetected(
                                                        row.getUUID("id"), row.getUUID("user_id"))))
                .replaceWithVoid();
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return encode(bytes);
    }

    private static String successor(String token, SecretKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return encode(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Row first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? iterator.next() : null;
    }

    private static Buffer hash(String token) {
        try {
            return Buffer.buffer(
                    MessageDigest.getInstance("SHA-256")
                            .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
