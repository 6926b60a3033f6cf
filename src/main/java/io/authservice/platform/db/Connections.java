package io.authservice.platform.db;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionInternal;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The one class that uses the SQL client's implementation classes (ConnectionsTest fails when they
 * change): Vert.x SQL client 4.5 has no public way to discard a pooled connection ({@code close()}
 * returns it to the pool) or to watch its socket. If they change, it logs and does nothing (the
 * deadline still answers 503).
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
     * Puts a {@link StallWatchdog} first in the pipeline of the connection's socket; false if the
     * socket cannot be reached.
     */
    static boolean watch(SqlConnection connection, Duration stall) {
        SocketConnectionBase socket = socketOf(connection);
        if (socket == null) {
            return false;
        }
        socket.socket()
                .channelHandlerContext()
                .pipeline()
                .addFirst("auth-stall-watchdog", new StallWatchdog(socket::inflight, stall));
        return true;
    }

    /**
     * How the SQL client and its pool say "Timeout" (acquiring) and "Connection is not active now"
     * (closed under a transaction): a failure without a stack trace, of a class of Vert.x's own.
     */
    static boolean clientSignal(Throwable failure) {
        return failure instanceof NoStackTraceThrowable;
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
