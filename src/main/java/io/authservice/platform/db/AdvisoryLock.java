package io.authservice.platform.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** PostgreSQL advisory locks held until the transaction ends: one replica at a time does a job. */
public final class AdvisoryLock {

    private AdvisoryLock() {}

    /**
     * Takes {@code lock} for the transaction of {@code conn} if no other holds it; false if one
     * does.
     */
    public static Uni<Boolean> tryTake(Transaction conn, long lock) {
        return conn.preparedQuery("select pg_try_advisory_xact_lock($1)")
                .execute(Tuple.of(lock))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Takes {@code lock} for the transaction of {@code conn}, waiting while another holds it. */
    public static Uni<Void> take(Transaction conn, long lock) {
        return conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(Tuple.of(lock))
                .replaceWithVoid();
    }
}
