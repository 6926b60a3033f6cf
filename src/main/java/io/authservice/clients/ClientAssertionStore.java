package io.authservice.clients;

import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.ZoneOffset;

/** The {@code jti}s of client assertions used (RFC 7523 §3), until they expire. */
@Singleton
public class ClientAssertionStore {

    private final Database database;

    ClientAssertionStore(Database database) {
        this.database = database;
    }

    /**
     * Records an assertion's {@code jti} of {@code clientId}, kept until {@code keepUntil}; false
     * if it was recorded before (on any replica).
     */
    Uni<Boolean> recordFirstUse(String clientId, String jti, Instant keepUntil) {
        return database.execute(
                        "insert into client_assertions (client_id, jti, expires_at) values ($1, $2, $3)"
                                + " on conflict do nothing",
                        Tuple.of(clientId, jti, keepUntil.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Forgets assertions that expired long enough ago, in the caller's transaction. */
    public Uni<Void> purge(Transaction conn) {
        return conn.query(
                        "delete from client_assertions where expires_at < now() - interval '10 minutes'")
                .execute()
                .replaceWithVoid();
    }
}
