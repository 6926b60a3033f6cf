package io.authservice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Direct access to the test database, to arrange states (expiry, disabled users) and inspect
 * storage.
 */
public final class Db {

    private Db() {}

    public static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getOptionalValue("quarkus.datasource.username", String.class)
                        .orElse("postgres"),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    /** Runs an update with parameters; returns the number of rows changed. */
    public static int update(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Changes the session (refresh_families row) of {@code refreshToken}: {@code set} is the SET
     * clause's assignments.
     */
    public static int updateSession(String set, String refreshToken) {
        return update(
                "update refresh_families set "
                        + set
                        + " where id = (select family_id from refresh_tokens where token_hash = ?)",
                (Object) sha256(refreshToken));
    }

    /** The first column of the first row, or null. */
    public static Object value(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code lockingSelect} (a {@code SELECT ... FOR UPDATE}) in a transaction of the test's
     * own, which holds its row locks until closed: a race test holds one side in its window with it
     * while the other side runs.
     */
    public static Held hold(String lockingSelect, Object... params) {
        try {
            Connection c = connect();
            try {
                c.setAutoCommit(false);
                int pid;
                try (PreparedStatement s = c.prepareStatement("select pg_backend_pid()");
                        ResultSet rs = s.executeQuery()) {
                    rs.next();
                    pid = rs.getInt(1);
                }
                try (PreparedStatement s = c.prepareStatement(lockingSelect)) {
                    for (int i = 0; i < params.length; i++) {
                        s.setObject(i + 1, params[i]);
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no row locked: " + lockingSelect);
                        }
                    }
                }
                return new Held(c, pid);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Row locks held by the test; closing rolls back and releases them. */
    public static final class Held implements AutoCloseable {
        private final Connection connection;
        private final int pid;

        private Held(Connection connection, int pid) {
            this.connection = connection;
            this.pid = pid;
        }

        /** Sessions of the service waiting for these locks. */
        public long waiting() {
            return (Long)
                    value(
                            "select count(*) from pg_stat_activity"
                                    + " where ?::int = any(pg_blocking_pids(pid))",
                            pid);
        }

        /** Sessions waiting for a lock held by a session that waits for these locks. */
        public long waitingBehindWaiters() {
            return (Long)
                    value(
                            "select count(*) from pg_stat_activity w where exists"
                                    + " (select 1 from pg_stat_activity l"
                                    + " where ?::int = any(pg_blocking_pids(l.pid))"
                                    + " and l.pid = any(pg_blocking_pids(w.pid)))",
                            pid);
        }

        /** Waits until {@code sessions} sessions of the service wait for these locks. */
        public void awaitWaiting(int sessions, String who, Duration within) throws Exception {
            Await.until(who + " wait for the test's locks", within, () -> waiting() >= sessions);
        }

        /**
         * Waits until {@code other} (the other side of a race, run while the held side waits) has
         * finished, or itself waits for the held side; returns which.
         */
        public String awaitOtherSide(String what, Future<?> other, Duration within)
                throws Exception {
            return Await.value(
                    what + " finished, or waits for the held side",
                    within,
                    () ->
                            other.isDone()
                                    ? what + " finished while the held side waited"
                                    : waitingBehindWaiters() > 0
                                            ? what + " waited for the held side"
                                            : null,
                    Objects::nonNull);
        }

        @Override
        public void close() throws SQLException {
            try {
                connection.rollback();
            } finally {
                connection.close();
            }
        }
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
