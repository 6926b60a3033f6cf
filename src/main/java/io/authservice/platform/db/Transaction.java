package io.authservice.platform.db;

import io.vertx.mutiny.sqlclient.PreparedQuery;
import io.vertx.mutiny.sqlclient.Query;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * A transaction a use case opened ({@link Database#inTransaction}) and hands to the stores that
 * work in it. Use cases only pass it on; stores send their statements through it.
 */
public final class Transaction {

    private final SqlConnection connection;

    Transaction(SqlConnection connection) {
        this.connection = connection;
    }

    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return connection.preparedQuery(sql);
    }

    public Query<RowSet<Row>> query(String sql) {
        return connection.query(sql);
    }
}
