package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Await;
import io.authservice.it.ServiceUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The idle and read timeouts and the connection cap against slow clients, with values small enough
 * to see them act: a client that stops mid-headers or mid-body is dropped, and connections beyond
 * the cap get no answer until others close.
 *
 * <p>It is {@code quarkus.http.idle-timeout} that drops both stalled clients: without it they stay
 * connected, while without {@code quarkus.http.read-timeout} they are dropped all the same. The
 * read timeout bounds blocking reads of a body, and the REST layer here reads bodies without
 * blocking before a resource runs; it is set anyway, as in production.
 */
class SlowClientIT {

    static final int MAX_CONNECTIONS = 3;

    @RegisterExtension
    static final ServiceUnderTest SERVICE =
            ServiceUnderTest.with(
                    Map.of(
                            "QUARKUS_HTTP_IDLE_TIMEOUT", "1S",
                            "QUARKUS_HTTP_READ_TIMEOUT", "1S",
                            "QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS",
                                    String.valueOf(MAX_CONNECTIONS)));

    private static final String HOST = "127.0.0.1";
    private static final String PARTIAL_HEADERS =
            "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";

    private static int port() {
        return SERVICE.base().getPort();
    }

    /**
     * Reads until the server closes (or resets) the connection; what arrived, and how long it took.
     */
    private record End(String received, long millis, boolean closed) {}

    private static End readUntilClosed(Socket socket, int limitMillis) throws IOException {
        socket.setSoTimeout(limitMillis);
        long start = System.nanoTime();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        boolean closed;
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) != -1; ) {
                all.write(buffer, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException stillOpen) {
            closed = false;
        } catch (IOException reset) {
            closed = true;
        }
        return new End(
                all.toString(StandardCharsets.ISO_8859_1),
                (System.nanoTime() - start) / 1_000_000,
                closed);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(HOST, port());
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    @Test
    void aClientThatStopsMidHeadersIsDisconnected() throws Exception {
        try (Socket socket = connect()) {
            write(socket, PARTIAL_HEADERS);
            End end = readUntilClosed(socket, 5_000);
            assertTrue(end.closed(), "still open after 5 s: " + end);
            assertTrue(end.millis() < 5_000, end.toString());
            assertFalse(end.received().startsWith("HTTP/1.1 2"), end.toString());
        }
    }

    @Test
    void aClientThatStopsMidBodyIsDisconnected() throws Exception {
        try (Socket socket = connect()) {
            write(
                    socket,
                    "POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                            + "grant_type");
            End end = readUntilClosed(socket, 5_000);
            // Dropped (by the idle timeout), or answered with a client error and then dropped;
            // never
            // processed as if complete.
            assertTrue(end.closed(), "still open after 5 s: " + end);
            assertTrue(end.millis() < 5_000, end.toString());
            assertTrue(
                    end.received().isEmpty() || end.received().startsWith("HTTP/1.1 4"),
                    end.toString());
        }
    }

    @Test
    void connectionsBeyondTheCapGetNoAnswerUntilOthersClose() throws Exception {
        String get =
                "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        List<Socket> held = new ArrayList<>();
        try {
            // The other tests' connections may not be counted out yet: they would take places.
            Await.until(
                    "no connection left from the other tests",
                    Duration.ofSeconds(5),
                    () -> currentConnections() == 0);
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                Socket socket = connect();
                held.add(socket);
                write(socket, PARTIAL_HEADERS);
            }
            // The held connections are dropped after the 1 s idle timeout: ask as soon as the
            // server holds them.
            Await.until(
                    "the server holds the " + MAX_CONNECTIONS + " connections",
                    Duration.ofMillis(800),
                    () -> currentConnections() >= MAX_CONNECTIONS);
            try (Socket extra = connect()) {
                write(extra, get);
                End end = readUntilClosed(extra, 600);
                assertEquals(
                        "", end.received(), "a connection beyond the cap was answered: " + end);
            } catch (IOException refused) {
                // refused or reset before the request went out: no answer either
            }
            for (Socket socket : held) {
                End stillHeld = readUntilClosed(socket, 1);
                assertFalse(
                        stillHeld.closed(),
                        "a held connection was dropped too early, the cap was not tested");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        // The server may not yet have counted the closed connections out.
        Await.value(
                "an answer after the held connections closed",
                Duration.ofSeconds(5),
                () -> {
                    try (Socket socket = connect()) {
                        write(socket, get);
                        return readUntilClosed(socket, 5_000).received();
                    }
                },
                answer -> answer.startsWith("HTTP/1.1 200"));
    }

    /** The server's count of open connections on the API port (its connection-limit gauge). */
    private static double currentConnections() throws Exception {
        String metrics =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                SERVICE.management().resolve("/q/metrics"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
        java.util.regex.Matcher gauge =
                java.util.regex.Pattern.compile(
                                "(?m)^vertx_http_connections_current(?:\\{[^}]*})? (\\S+)$")
                        .matcher(metrics);
        return gauge.find() ? Double.parseDouble(gauge.group(1)) : -1;
    }
}
