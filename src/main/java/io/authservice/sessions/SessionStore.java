package io.authservice.sessions;

import io.authservice.config.DatabaseConfig;
import io.authservice.config.SessionsConfig;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.GroupCommit;
import io.authservice.platform.db.Transaction;
import io.authservice.tokens.Subject;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Every statement on sessions and their refresh tokens. A session is a row of {@code
 * refresh_families} (the table's name is historical; {@code refresh_tokens.family_id} is its
 * session). Tokens are kept and looked up only by their hash ({@link RefreshTokenCodec#hash}).
 * Methods taking a {@link SqlClient} run in the caller's transaction.
 */
@Singleton
public class SessionStore {

    /**
     * A session started before the user's last password change, disabling or session end is over.
     */
    private static final String SESSION_CURRENT =
            "f.created_at >= coalesce(u.sessions_not_before, '-infinity')";

    /**
     * What a session's insert found: whether the key that signed the login's access token still
     * exists, whether the session was stored, and its first token's lifetime in seconds.
     */
    record Inserted(boolean signerLive, boolean stored, long expiresIn) {}

    /**
     * A stored refresh token: whether it was spent, whether its session is live, and the session.
     */
    record Found(
            boolean spent,
            boolean live,
            UUID sessionId,
            Subject subject,
            String clientId,
            String scope) {}

    /**
     * One spend of a batch: the hashes of the presented token and of its successor, and the client.
     */
    record Spend(byte[] tokenHash, byte[] successorHash, String clientId) {}

    /** A token spent: its session, the scope granted, and the successor's lifetime in seconds. */
    record Spent(UUID sessionId, Subject subject, String scope, long expiresIn) {}

    /** A spent token's live successor: its hash and lifetime in seconds. */
    record Successor(byte[] hash, long expiresIn) {}

    /** A session ended because a spent token of it was presented again. */
    record Reused(UUID sessionId, UUID userId) {}

    private final Database database;
    private final long idleSeconds;
    private final long absoluteSeconds;
    private final GroupCommit<Spend, Spent> spends;

    SessionStore(
            Database database,
            SessionsConfig sessionsConfig,
            DatabaseConfig databaseConfig,
            MeterRegistry metrics) {
        this.database = database;
        this.idleSeconds = sessionsConfig.refreshIdleLifetime().toSeconds();
        this.absoluteSeconds = sessionsConfig.refreshAbsoluteLifetime().toSeconds();
        SessionsConfig.GroupCommit group = sessionsConfig.groupCommit();
        this.spends =
                new GroupCommit<>(
                        this::spendAll,
                        group.maxSize(),
                        group.maxWait(),
                        databaseConfig.timeout(),
                        DistributionSummary.builder("auth.refresh.spend.batch")
                                .description("Refresh spends written by one statement")
                                .register(metrics));
    }

    /**
     * Stores a session and its first token, only while the user is enabled and {@code passwordHash}
     * (the one the login verified) is still current. FOR SHARE makes the check wait for a password
     * change or disabling in progress and see its outcome, and makes such a change wait until this
     * session exists, so it revokes it. The same holds for {@code signingKid}, the key that signed
     * the login's access token (FOR KEY SHARE: a withdrawal's delete conflicts with it, a
     * rotation's update of the row does not): a withdrawal deletes its row, so it waits for this
     * session and then revokes it, or this session is not stored.
     */
    Uni<Inserted> insert(
            UUID sessionId,
            UUID userId,
            String passwordHash,
            String clientId,
            String scope,
            String signingKid,
            byte[] tokenHash) {
        long expiresIn = Math.min(idleSeconds, absoluteSeconds);
        return firstOrNull(
                "with signer as (select kid from signing_keys where kid = $9 for key share),"
                        + " new_session as ("
                        + " insert into refresh_families (id, user_id, client_id, scope, expires_at)"
                        + " select $1, $2, $3, $4, now() + make_interval(secs => $5)"
                        + " where exists (select 1 from users where id = $2 and enabled and password_hash = $8"
                        + " for share) and ($9::text is null or exists (select 1 from signer)) returning id),"
                        + " first as (insert into refresh_tokens (token_hash, family_id, expires_at)"
                        + " select $6, id, now() + make_interval(secs => $7) from new_session returning 1)"
                        + " select (select count(*) from first) as started,"
                        + " $9::text is null or exists (select 1 from signer) as signer_live",
                Tuple.from(
                        Arrays.asList(
                                sessionId,
                                userId,
                                clientId,
                                scope,
                                (double) absoluteSeconds,
                                Buffer.buffer(tokenHash),
                                (double) expiresIn,
                                passwordHash,
                                signingKid)),
                row ->
                        new Inserted(
                                row.getBoolean("signer_live"),
                                row.getLong("started") > 0,
                                expiresIn));
    }

    /** The token of this hash and its session; null if unknown. */
    Uni<Found> find(byte[] tokenHash) {
        return firstOrNull(
                "select t.spent_at is not null as spent,"
                        + " (t.expires_at > now() and f.revoked_at is null and f.expires_at > now() and u.enabled"
                        + "  and "
                        + SESSION_CURRENT
                        + ") as live,"
                        + " f.id as session_id, f.client_id, f.scope, u.id as user_id, u.username, u.roles"
                        + " from refresh_tokens t join refresh_families f on f.id = t.family_id"
                        + " join users u on u.id = f.user_id where t.token_hash = $1",
                Tuple.of(Buffer.buffer(tokenHash)),
                row ->
                        new Found(
                                row.getBoolean("spent"),
                                row.getBoolean("live"),
                                row.getUUID("session_id"),
                                subject(row),
                                row.getString("client_id"),
                                row.getString("scope")));
    }

    /**
     * Spends a token of a live session of the spend's client and stores its successor; null when
     * nothing was spent (an unknown, spent or ended token, another client's). Concurrent spends
     * share one statement and one commit ({@link GroupCommit}).
     */
    Uni<Spent> spend(Spend spend) {
        return spends.submit(spend);
    }

    /**
     * Spends a batch in one statement, answering a list aligned with it. The rows to spend are
     * locked in token-hash order first, so two replicas' batches holding the same tokens wait for
     * each other instead of deadlocking. A token twice in one batch is spent once: an UPDATE
     * changes a row once, for one of its matching inputs; the other input gets no row (null) and is
     * judged as a spent token (a retry, or reuse).
     */
    Uni<List<Spent>> spendAll(List<Spend> batch) {
        Buffer[] tokens =
                batch.stream().map(s -> Buffer.buffer(s.tokenHash())).toArray(Buffer[]::new);
        Buffer[] successors =
                batch.stream().map(s -> Buffer.buffer(s.successorHash())).toArray(Buffer[]::new);
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
                                + " returning i.n, i.successor_hash, t.family_id as session_id,"
                                + " least(f.expires_at, now() + make_interval(secs => $4)) as expires_at,"
                                + " f.scope, u.id as user_id, u.username, u.roles),"
                                // A data-modifying WITH runs to completion whether or not the query
                                // reads it.
                                + " next as (insert into refresh_tokens (token_hash, family_id, expires_at)"
                                + " select successor_hash, session_id, expires_at from spent)"
                                + " select n, session_id, scope, user_id, username, roles,"
                                + " extract(epoch from expires_at - now())::bigint as expires_in from spent",
                        Tuple.of(tokens, successors, clients, (double) idleSeconds))
                .map(
                        rows -> {
                            Spent[] byInput = new Spent[batch.size()];
                            rows.forEach(
                                    row ->
                                            byInput[row.getLong("n").intValue() - 1] =
                                                    new Spent(
                                                            row.getUUID("session_id"),
                                                            subject(row),
                                                            row.getString("scope"),
                                                            row.getLong("expires_in")));
                            return Arrays.asList(byInput);
                        });
    }

    /**
     * The successor of a token spent within the last {@code windowSeconds}, if it is one of {@code
     * candidateHashes}, unused and unexpired, and the session is live and {@code clientId}'s;
     * otherwise null. The successor's row stays locked until the statement's transaction ends, so a
     * concurrent use of it is ordered before or after this answer.
     */
    Uni<Successor> liveSuccessor(
            byte[] tokenHash, List<byte[]> candidateHashes, double windowSeconds, String clientId) {
        return firstOrNull(
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
                Tuple.of(
                        Buffer.buffer(tokenHash),
                        candidateHashes.stream().map(h -> Buffer.buffer(h)).toArray(Buffer[]::new),
                        windowSeconds,
                        clientId),
                row ->
                        new Successor(
                                row.getBuffer("token_hash").getBytes(), row.getLong("expires_in")));
    }

    /** Ends the session of a spent token presented again, answering it (none if already ended). */
    Uni<List<Reused>> revokeReused(byte[] tokenHash) {
        return database.execute(
                        "update refresh_families f set revoked_at = now(), revoked_reason = 'reuse'"
                                + " from refresh_tokens t"
                                + " where t.token_hash = $1 and f.id = t.family_id and f.revoked_at is null"
                                + " returning f.id, f.user_id",
                        Tuple.of(Buffer.buffer(tokenHash)))
                .map(
                        rows -> {
                            List<Reused> reused = new ArrayList<>();
                            rows.forEach(
                                    row ->
                                            reused.add(
                                                    new Reused(
                                                            row.getUUID("id"),
                                                            row.getUUID("user_id"))));
                            return reused;
                        });
    }

    /** Ends the session of a token of {@code clientId}; answers the sessions ended (0 or 1). */
    Uni<Integer> revoke(byte[] tokenHash, String clientId) {
        return database.execute(
                        "update refresh_families set revoked_at = now(), revoked_reason = 'revoked'"
                                + " where revoked_at is null and client_id = $2"
                                + " and id = (select family_id from refresh_tokens where token_hash = $1)",
                        Tuple.of(Buffer.buffer(tokenHash), clientId))
                .map(RowSet::rowCount);
    }

    /** The user of session {@code sessionId} while it is live and {@code userId}'s; else null. */
    Uni<SessionUser> liveSession(UUID sessionId, UUID userId) {
        return firstOrNull(
                "select u.username, u.email, u.roles, u.created_at from refresh_families f"
                        + " join users u on u.id = f.user_id"
                        + " where f.id = $1 and u.id = $2 and f.revoked_at is null and f.expires_at > now() and u.enabled"
                        + " and "
                        + SESSION_CURRENT,
                Tuple.of(sessionId, userId),
                row ->
                        new SessionUser(
                                userId,
                                row.getString("username"),
                                row.getString("email"),
                                List.of(row.getArrayOfStrings("roles")),
                                row.getOffsetDateTime("created_at").toInstant()));
    }

    /**
     * The token of this hash while it can be used (unspent, unexpired, session live); else null.
     */
    Uni<UsableToken> usable(byte[] tokenHash) {
        return firstOrNull(
                "select u.id as user_id, u.username, f.client_id, f.scope, t.created_at, t.expires_at"
                        + " from refresh_tokens t join refresh_families f on f.id = t.family_id"
                        + " join users u on u.id = f.user_id where t.token_hash = $1 and t.spent_at is null"
                        + " and t.expires_at > now() and f.revoked_at is null and f.expires_at > now() and u.enabled"
                        + " and "
                        + SESSION_CURRENT,
                Tuple.of(Buffer.buffer(tokenHash)),
                row ->
                        new UsableToken(
                                row.getUUID("user_id"),
                                row.getString("username"),
                                row.getString("client_id"),
                                row.getString("scope"),
                                row.getOffsetDateTime("created_at").toInstant(),
                                row.getOffsetDateTime("expires_at").toInstant()));
    }

    /**
     * Ends every session of a user (password change, disabling, deletion), in the caller's
     * transaction.
     */
    public Uni<Integer> revokeAllOfUser(Transaction db, UUID userId, String reason) {
        return revokeAllWhere(db, "user_id", userId, reason);
    }

    /** Ends every session of a client (the client was deleted), in the caller's transaction. */
    public Uni<Integer> revokeAllOfClient(Transaction db, String clientId, String reason) {
        return revokeAllWhere(db, "client_id", clientId, reason);
    }

    /** Ends the live sessions whose {@code column} (one of this class's) is {@code owner}. */
    private static Uni<Integer> revokeAllWhere(
            Transaction db, String column, Object owner, String reason) {
        return changed(
                db,
                "update refresh_families set revoked_at = now(), revoked_reason = $2"
                        + " where "
                        + column
                        + " = $1 and revoked_at is null",
                Tuple.of(owner, reason));
    }

    /**
     * Ends every session that received a token between two instants (the time a withdrawn key was
     * signing): their access tokens were signed by that key. In the caller's transaction.
     */
    public Uni<Integer> revokeIssuedBetween(
            Transaction db, Instant from, Instant until, String reason) {
        return changed(
                db,
                "update refresh_families set revoked_at = now(), revoked_reason = $3"
                        + " where revoked_at is null and id in (select family_id from refresh_tokens"
                        // Up to the statement's own time too: a login that signed with the key and
                        // whose session the withdrawal waited for (insert, FOR KEY SHARE) is
                        // inside.
                        + " where created_at between $1 and greatest($2, clock_timestamp()))",
                Tuple.of(from.atOffset(ZoneOffset.UTC), until.atOffset(ZoneOffset.UTC), reason));
    }

    /**
     * Deletes sessions (with their tokens) a day after they expired or were revoked, in the
     * caller's transaction; answers how many. A spent token is kept as long as its session lives:
     * that is how reuse is caught.
     */
    public Uni<Integer> purge(Transaction db) {
        return changed(
                db,
                "delete from refresh_families where expires_at < now() - interval '1 day'"
                        + " or revoked_at < now() - interval '1 day'",
                Tuple.tuple());
    }

    /** Runs a statement in the caller's transaction; answers the rows it changed. */
    private static Uni<Integer> changed(Transaction db, String sql, Tuple arguments) {
        return db.preparedQuery(sql).execute(arguments).map(RowSet::rowCount);
    }

    private static Subject subject(Row row) {
        return new Subject(
                row.getUUID("user_id"),
                row.getString("username"),
                List.of(row.getArrayOfStrings("roles")));
    }

    /** The statement's first row read by {@code read}; null when it answers none. */
    private <T> Uni<T> firstOrNull(String sql, Tuple arguments, Function<Row, T> read) {
        return database.execute(sql, arguments)
                .map(
                        rows -> {
                            var iterator = rows.iterator();
                            return iterator.hasNext() ? read.apply(iterator.next()) : null;
                        });
    }
}
