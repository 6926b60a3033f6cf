package io.authservice.tokens;

import io.authservice.audit.Audit;
import io.authservice.config.AuthConfig;
import io.authservice.web.ApiError;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Opaque refresh tokens in families (one per login), kept only as SHA-256 hashes. Every refresh
 * spends the presented token and adds the next one to its family (RFC 9700 §4.14.2); presenting a
 * spent token again revokes the family. Exactly-once spending is a conditional UPDATE in
 * PostgreSQL, so it holds across replicas.
 */
@Singleton
public class RefreshTokens {

    private static final int MAX_TOKEN_LENGTH = 256;
    private static final String INVALID = "the refresh token is invalid, expired or revoked";

    /** A new refresh token and the seconds it may be used for. */
    public record Issued(String token, long expiresIn) {}

    /** The outcome of a successful refresh: who, for which client, the scope to grant, the next token. */
    public record Rotation(Subject subject, String clientId, String scope, Issued next) {}

    private final Pool pool;
    private final Audit audit;
    private final long idleSeconds;
    private final long absoluteSeconds;
    private final SecureRandom random = new SecureRandom();

    RefreshTokens(Pool pool, Audit audit, AuthConfig config) {
        this.pool = pool;
        this.audit = audit;
        this.idleSeconds = config.tokens().refreshIdleLifetime().toSeconds();
        this.absoluteSeconds = config.tokens().refreshAbsoluteLifetime().toSeconds();
    }

    /**
     * Starts a family (a login session) and returns its first token, only while the user is enabled
     * and {@code passwordHash} (the one the login verified) is still current; otherwise invalid_grant.
     * FOR SHARE makes the check wait for a password change or disabling in progress and see its
     * outcome, and makes such a change wait until this family exists, so it revokes it.
     */
    public Uni<Issued> start(UUID userId, String passwordHash, String clientId, String scope) {
        String token = newToken();
        long expiresIn = Math.min(idleSeconds, absoluteSeconds);
        return pool.preparedQuery("with family as ("
                        + " insert into refresh_families (id, user_id, client_id, scope, expires_at)"
                        + " select $1, $2, $3, $4, now() + make_interval(secs => $5)"
                        + " where exists (select 1 from users where id = $2 and enabled and password_hash = $8"
                        + " for share) returning id)"
                        + " insert into refresh_tokens (token_hash, family_id, expires_at)"
                        + " select $6, id, now() + make_interval(secs => $7) from family")
                .execute(Tuple.from(List.of(UUID.randomUUID(), userId, clientId, scope, (double) absoluteSeconds,
                        hash(token), (double) expiresIn, passwordHash)))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ApiError.invalidGrant("the password was changed or the account disabled");
                    }
                    return new Issued(token, expiresIn);
                });
    }

    /**
     * Spends {@code presented} and issues the next token of its family. {@code narrowScope} maps the
     * family's granted scope to the scope of this refresh; if it throws, nothing is spent.
     */
    public Uni<Rotation> rotate(String presented, UnaryOperator<String> narrowScope) {
        if (presented.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().failure(ApiError.invalidGrant(INVALID));
        }
        Buffer hash = hash(presented);
        return pool.withTransaction(conn -> spend(conn, hash).chain(row -> {
            if (row == null) {
                return revokeIfReused(conn, hash).replaceWith((Rotation) null);
            }
            if (!row.getBoolean("live")) {
                return Uni.createFrom().item((Rotation) null);
            }
            String scope = narrowScope.apply(row.getString("scope"));
            UUID familyId = row.getUUID("family_id");
            return next(conn, familyId, row.getLong("family_remaining")).map(next -> new Rotation(
                    new Subject(row.getUUID("user_id"), row.getString("username"),
                            List.of(row.getArrayOfStrings("roles"))),
                    row.getString("client_id"), scope, next));
        })).onItem().ifNull().failWith(() -> ApiError.invalidGrant(INVALID));
    }

    /** Revokes the family of a token (RFC 7009); unknown tokens are ignored. Returns the families ended. */
    public Uni<Integer> revoke(String presented) {
        if (presented.length() > MAX_TOKEN_LENGTH) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("update refresh_families set revoked_at = now(), revoked_reason = 'revoked'"
                        + " where revoked_at is null"
                        + " and id = (select family_id from refresh_tokens where token_hash = $1)")
                .execute(Tuple.of(hash(presented)))
                .map(RowSet::rowCount);
    }

    /** Ends every session of a user (password change, disabling, deletion), in the caller's transaction. */
    public Uni<Integer> revokeAllOf(SqlClient db, UUID userId, String reason) {
        return db.preparedQuery("update refresh_families set revoked_at = now(), revoked_reason = $2"
                        + " where user_id = $1 and revoked_at is null")
                .execute(Tuple.of(userId, reason))
                .map(RowSet::rowCount);
    }

    /**
     * Ends every session that received a token between two instants (the time a withdrawn key was
     * signing): their access tokens were signed by that key. In the caller's transaction.
     */
    public Uni<Integer> revokeIssuedBetween(SqlClient db, Instant from, Instant until, String reason) {
        return db.preparedQuery("update refresh_families set revoked_at = now(), revoked_reason = $3"
                        + " where revoked_at is null and id in (select family_id from refresh_tokens"
                        + " where created_at between $1 and $2)")
                .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), until.atOffset(ZoneOffset.UTC), reason))
                .map(RowSet::rowCount);
    }

    /** Marks the token spent if it was not; the row tells whether its family may go on. */
    private static Uni<Row> spend(SqlConnection conn, Buffer hash) {
        return conn.preparedQuery("with spent as ("
                        + " update refresh_tokens set spent_at = now()"
                        + " where token_hash = $1 and spent_at is null returning family_id, expires_at)"
                        + " select s.family_id, f.client_id, f.scope, u.id as user_id, u.username, u.roles,"
                        + " (s.expires_at > now() and f.expires_at > now() and f.revoked_at is null"
                        + "  and u.enabled and f.created_at >= coalesce(u.sessions_not_before, '-infinity')) as live,"
                        + " extract(epoch from f.expires_at - now())::bigint as family_remaining"
                        + " from spent s join refresh_families f on f.id = s.family_id"
                        + " join users u on u.id = f.user_id")
                .execute(Tuple.of(hash))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
    }

    private Uni<Void> revokeIfReused(SqlConnection conn, Buffer hash) {
        return conn.preparedQuery("update refresh_families f set revoked_at = now(), revoked_reason = 'reuse'"
                        + " from refresh_tokens t"
                        + " where t.token_hash = $1 and f.id = t.family_id and f.revoked_at is null"
                        + " returning f.id, f.user_id")
                .execute(Tuple.of(hash))
                .invoke(rows -> rows.forEach(row -> audit.reuseDetected(row.getUUID("id"), row.getUUID("user_id"))))
                .replaceWithVoid();
    }

    private Uni<Issued> next(SqlConnection conn, UUID familyId, long familyRemaining) {
        String token = newToken();
        long expiresIn = Math.max(0, Math.min(idleSeconds, familyRemaining));
        return conn.preparedQuery("insert into refresh_tokens (token_hash, family_id, expires_at)"
                        + " values ($1, $2, now() + make_interval(secs => $3))")
                .execute(Tuple.of(hash(token), familyId, (double) expiresIn))
                .replaceWith(new Issued(token, expiresIn));
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Buffer hash(String token) {
        try {
            return Buffer.buffer(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
