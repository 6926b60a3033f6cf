package io.authservice.platform.db;

import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionInternal;
import org.jboss.logging.Logger;

/**
 * Reaches under the pool to close a connection's socket. Vert.x SQL client 4.5 has no public way to
 * discard a pooled connection ({@code close()} returns it to the pool), so this uses its
 * implementation classes; if they change, it logs and does nothing (the deadline still answers
 * 503).
 */
final class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class);

    private Connections() {}

    /** Closes the network connection under {@code connection}; the pool then drops it. */
    static void destroy(SqlConnection connection) {
        try {
            SocketConnectionBase socket = socketOf(connection);
            if (socket != null) {
                socket.socket().close();
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not close a stuck database connection: %s", e);
        }
    }

    /**
     * The connection to the server under a (pooled) connection, or null if it cannot be reached.
     */
    static SocketConnectionBase socketOf(SqlConnection connection) {
        if (connection instanceof SqlConnectionInternal internal) {
            Connection conn = internal.unwrap();
            for (int i = 0; i < 4 && !(conn instanceof SocketConnectionBase); i++) {
                Connection inner = conn.unwrap();
                if (inner == conn) {
                    break;
                }
                conn = inner;
            }
            if (conn instanceof SocketConnectionBase socket) {
                return socket;
            }
        }
        LOG.debugf(
                "cannot reach the socket of a connection of type %s",
                connection.getClass().getName());
        return null;
    }
}
