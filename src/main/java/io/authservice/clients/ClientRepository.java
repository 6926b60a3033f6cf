package io.authservice.clients;

import io.authservice.config.ClientsConfig;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store of registered clients: every statement on the {@code clients} table, and the cache that
 * client authentication reads (with the secrets' hashes).
 */
@Singleton
public class ClientRepository {

    /**
     * A registered client with the hashes of its current and (while it overlaps) previous secret.
     */
    public record Stored(Client client, byte[] secretHash, byte[] previousSecretHash) {}

    private static final String COLUMNS =
            "client_id, client_name, grant_types, token_endpoint_auth_method, scope,"
                    + " audience, jwks, allowed_cors_origins, refresh_token_mode, access_token_lifespan, introspection_allowed, created_at";

    private record Cached(Stored stored, long until) {}

    private static final int MAX_CACHED = 10_000;

    private final Database database;
    private final long cacheNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ClientRepository(Database database, ClientsConfig config) {
        this.database = database;
        this.cacheNanos = config.clients().cacheTtl().toNanos();
    }

    /**
     * {@link #find(String)} for authenticating a request: a client found is kept for {@code
     * auth.clients.cache-ttl}, so a busy machine client costs no database read per token. Another
     * replica's change (a rotation's end of overlap, a deletion) counts within that time.
     */
    Uni<Stored> cached(String clientId) {
        if (cacheNanos <= 0) {
            return find(clientId);
        }
        Cached hit = cache.get(clientId);
        if (hit != null && hit.until - System.nanoTime() > 0) {
            return Uni.createFrom().item(hit.stored);
        }
        return find(clientId)
                .invoke(
                        stored -> {
                            if (stored != null) {
                                if (cache.size() >= MAX_CACHED) {
                                    cache.clear();
                                }
                                cache.put(
                                        clientId,
                                        new Cached(stored, System.nanoTime() + cacheNanos));
                            }
                        });
    }

    /** After a change on this replica: its next authentication reads the client again. */
    public void forget(String clientId) {
        cache.remove(clientId);
    }

    private static final String FIND =
            "select "
                    + COLUMNS
                    + ", secret_hash,"
                    + " case when previous_secret_expires_at > now() then previous_secret_hash end as previous_secret_hash"
                    + " from clients where client_id = $1";

    /** The client with its secrets (the previous one only while its overlap lasts), or null. */
    public Uni<Stored> find(String clientId) {
        return database.execute(FIND, Tuple.of(clientId)).map(ClientRepository::stored);
    }

    /** {@link #find(String)} in a transaction, the row locked until it ends. */
    public Uni<Stored> find(Transaction db, String clientId) {
        return db.preparedQuery(FIND + " for update")
                .execute(Tuple.of(clientId))
                .map(ClientRepository::stored);
    }

    private static Stored stored(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Row row = it.next();
        return new Stored(
                client(row), bytes(row, "secret_hash"), bytes(row, "previous_secret_hash"));
    }

    /** Every origin some public client allows (for CORS). */
    Uni<Set<String>> corsOrigins() {
        return database.execute(
                        "select distinct unnest(allowed_cors_origins) as origin from clients"
                                + " where token_endpoint_auth_method = 'none'",
                        Tuple.tuple())
                .map(
                        rows -> {
                            Set<String> origins = new java.util.HashSet<>();
                            rows.forEach(row -> origins.add(row.getString("origin")));
                            return Set.copyOf(origins);
                        });
    }

    public Uni<List<Client>> list() {
        return database.execute(
                        "select " + COLUMNS + " from clients order by created_at, client_id",
                        Tuple.tuple())
                .map(ClientRepository::clients);
    }

    public Uni<Void> insert(Transaction db, Client c, byte[] secretHash) {
        return db.preparedQuery(
                        "insert into clients ("
                                + COLUMNS
                                + ", secret_hash)"
                                + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                .execute(
                        values(c)
                                .addOffsetDateTime(c.createdAt().atOffset(java.time.ZoneOffset.UTC))
                                .addValue(buffer(secretHash)))
                .replaceWithVoid();
    }

    /**
     * Replaces the metadata of a client. Its secret stays when the new method uses one and it had
     * one; {@code newSecretHash} is set when it needs one and had none; otherwise both secrets go.
     * The previous secret of a rotation stays only while the method is the same: a change of method
     * is a change of credentials, and an old secret must not outlive it. Returns the client as
     * stored, or null if there is none.
     */
    public Uni<Client> replace(Transaction db, Client c, byte[] newSecretHash) {
        return db.preparedQuery(
                        "update clients set client_name = $2, grant_types = $3, token_endpoint_auth_method = $4,"
                                + " scope = $5, audience = $6, jwks = $7, allowed_cors_origins = $8, refresh_token_mode = $9,"
                                + " access_token_lifespan = $10, introspection_allowed = $11, updated_at = now(),"
                                + " secret_hash = case when $12 then coalesce(secret_hash, $13) end,"
                                + " previous_secret_hash = case when $12 and token_endpoint_auth_method = $4 then previous_secret_hash end,"
                                + " previous_secret_expires_at = case when $12 and token_endpoint_auth_method = $4"
                                + " then previous_secret_expires_at end"
                                + " where client_id = $1 returning "
                                + COLUMNS)
                .execute(values(c).addBoolean(c.usesSecret()).addValue(buffer(newSecretHash)))
                .map(rows -> first(rows));
    }

    /** Deletes a client; false if there is none. */
    public Uni<Boolean> delete(Transaction db, String clientId) {
        return db.preparedQuery("delete from clients where client_id = $1")
                .execute(Tuple.of(clientId))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Makes {@code secretHash} the secret of a client that authenticates with one, the current one
     * the previous one for {@code overlap} (none when it is zero). Returns the client, or null if
     * there is no such client.
     */
    public Uni<Client> rotateSecret(String clientId, byte[] secretHash, Duration overlap) {
        return database.execute(
                        "update clients set previous_secret_hash = case when $3 > 0 then secret_hash end,"
                                + " previous_secret_expires_at = now() + make_interval(secs => $3), secret_hash = $2, updated_at = now()"
                                + " where client_id = $1 and token_endpoint_auth_method in ('client_secret_basic', 'client_secret_post')"
                                + " returning "
                                + COLUMNS,
                        Tuple.of(clientId, buffer(secretHash), (double) overlap.toSeconds()))
                .map(ClientRepository::first);
    }

    /**
     * Ends the overlap of a rotation: the previous secret stops working. False if there is no such
     * client.
     */
    public Uni<Boolean> dropPreviousSecret(String clientId) {
        return database.execute(
                        "update clients set previous_secret_hash = null, previous_secret_expires_at = null,"
                                + " updated_at = now() where client_id = $1",
                        Tuple.of(clientId))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Tuple values(Client c) {
        return Tuple.tuple()
                .addString(c.clientId())
                .addString(c.clientName())
                .addArrayOfString(c.grantTypes().stream().sorted().toArray(String[]::new))
                .addString(c.tokenEndpointAuthMethod())
                .addString(String.join(" ", c.scope()))
                .addArrayOfString(c.audience().toArray(String[]::new))
                .addString(c.jwks())
                .addArrayOfString(c.allowedCorsOrigins().toArray(String[]::new))
                .addString(c.refreshTokenMode())
                .addInteger(c.accessTokenLifespan())
                .addBoolean(c.introspectionAllowed());
    }

    private static Client first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? client(it.next()) : null;
    }

    private static List<Client> clients(RowSet<Row> rows) {
        List<Client> clients = new ArrayList<>();
        rows.forEach(row -> clients.add(client(row)));
        return clients;
    }

    private static Client client(Row row) {
        String scope = row.getString("scope");
        return new Client(
                row.getString("client_id"),
                row.getString("client_name"),
                Set.of(row.getArrayOfStrings("grant_types")),
                row.getString("token_endpoint_auth_method"),
                scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" ")),
                List.of(row.getArrayOfStrings("audience")),
                row.getString("jwks"),
                List.of(row.getArrayOfStrings("allowed_cors_origins")),
                row.getString("refresh_token_mode"),
                row.getInteger("access_token_lifespan"),
                row.getBoolean("introspection_allowed"),
                row.getOffsetDateTime("created_at").toInstant());
    }

    private static byte[] bytes(Row row, String column) {
        Buffer value = row.getBuffer(column);
        return value == null ? null : value.getBytes();
    }

    private static io.vertx.core.buffer.Buffer buffer(byte[] bytes) {
        return bytes == null ? null : io.vertx.core.buffer.Buffer.buffer(bytes);
    }
}
