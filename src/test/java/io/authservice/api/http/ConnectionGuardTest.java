package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Slow clients against the shared connections, with values small enough to see them act: one source
 * cannot hold more than its share of the connections, and headers or a body trickling in get 408 at
 * the deadline. Sources are loopback addresses (Linux routes all of 127.0.0.0/8 to the loopback
 * interface).
 */
@QuarkusTest
@TestProfile(ConnectionGuardTest.Profile.class)
class ConnectionGuardTest {

    static final int PER_SOURCE = 4;
    static final int MAX_CONNECTIONS = 16;

    /**
     * The request deadline: short, so that the tests that wait it out are quick, yet long enough
     * that the first test can judge the held connections well before it.
     */
    static final long DEADLINE_MILLIS = 2_000;

    /**
     * When the first test judges which slow connections the server holds: after the excess ones
     * were closed on accept, and well before the deadline answers the held ones.
     */
    static final long JUDGED_AFTER_MILLIS = 1_200;

    /** How often a trickling client sends a byte: several times within the deadline. */
    static final long TRICKLE_MILLIS = 250;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // With the profile's prefix: application.properties turns the cap off for
                    // %test.
                    "%test.auth.http.connections-per-source", String.valueOf(PER_SOURCE),
                    "auth.http.request-timeout", "PT" + DEADLINE_MILLIS / 1000.0 + "S",
                    "quarkus.http.limits.max-connections", String.valueOf(MAX_CONNECTIONS));
        }
    }

    private static final String SLOW_HEAD =
            "POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ng";

    @TestHTTPResource("/")
    URI base;

    @Test
    void oneSourceHoldingManySlowConnectionsLeavesRoomForAnother() throws Exception {
        String username = Api.newUser("guarded");
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        InetAddress other = InetAddress.getByName("127.0.0.2");
        List<Socket> slow = new ArrayList<>();
        long begun = System.nanoTime();
        try {
            // More than all the server's connections, each a request whose body has begun and
            // stalls.
            for (int i = 0; i < MAX_CONNECTIONS + 8; i++) {
                Socket socket = RawHttp.connect(base, attacker);
                slow.add(socket);
                try {
                    write(socket, SLOW_HEAD);
                } catch (IOException refused) {
                    // closed at once by the server's own connection limit
                }
            }
            // Held: no answer JUDGED_AFTER_MILLIS after the writes (all sockets judged at that
            // moment, before the deadline could answer them).
            long written = System.nanoTime();
            int held = 0;
            List<String> refusals = new ArrayList<>();
            for (Socket socket : slow) {
                long elapsed = (System.nanoTime() - written) / 1_000_000;
                String answer =
                        answerWithin(socket, (int) Math.max(1, JUDGED_AFTER_MILLIS - elapsed));
                if (answer == null) {
                    held++;
                } else {
                    refusals.add(
                            answer.isEmpty()
                                    ? "closed"
                                    : answer.substring(0, answer.indexOf("\r\n")));
                }
            }
            // Judged after a deadline, the held ones would have had their 408 and look refused, and
            // the count below would say nothing. Each one's deadline runs from its first byte,
            // sent after begun: none has come yet.
            long judged = (System.nanoTime() - begun) / 1_000_000;
            assertTrue(
                    judged < DEADLINE_MILLIS,
                    "judged " + judged + " ms after the first write, past the deadline");
            // The others were closed as they were accepted.
            assertTrue(
                    held <= PER_SOURCE,
                    held + " slow connections held by one source, refused: " + refusals);

            // Meanwhile another source fetches the keys and logs in.
            RawHttp.Answer jwks =
                    RawHttp.request(
                            base, "GET", "/.well-known/jwks.json", Map.of(), new byte[0], other);
            assertEquals(200, jwks.status(), jwks.toString());
            RawHttp.Answer login =
                    RawHttp.request(
                            base,
                            "POST",
                            "/oauth2/token",
                            Map.of("Content-Type", "application/x-www-form-urlencoded"),
                            ("grant_type=password&username="
                                            + username
                                            + "&password="
                                            + Api.PASSWORD)
                                    .getBytes(StandardCharsets.UTF_8),
                            other);
            assertEquals(200, login.status(), login.toString());
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aBodyTricklingInGets408AtTheDeadline() throws Exception {
        assertTimesOut(SLOW_HEAD, "127.0.0.4");
    }

    @Test
    void headersTricklingInGet408AtTheDeadline() throws Exception {
        assertTimesOut(
                "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", "127.0.0.5");
    }

    /**
     * A kept-alive connection: the head of a later request has the same deadline, counted from its
     * first byte; the wait between requests, longer than the deadline here, is not part of it.
     */
    @Test
    void aLaterRequestsHeadTricklingInOnAKeptAliveConnectionGets408() throws Exception {
        try (Socket socket = RawHttp.connect(base, InetAddress.getByName("127.0.0.6"))) {
            socket.setSoTimeout((int) (4 * DEADLINE_MILLIS));
            String jwks = "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\n\r\n";
            write(socket, jwks);
            assertTrue(readOne(socket).startsWith("HTTP/1.1 200"));
            // Idle on purpose, longer than the deadline: the wait between requests is not part of
            // it.
            Thread.sleep(DEADLINE_MILLIS + 1_000);
            write(socket, jwks);
            assertTrue(
                    readOne(socket).startsWith("HTTP/1.1 200"),
                    "an idle kept-alive connection stays usable");
            assertTimesOut(
                    socket, "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
        }
    }

    /** Reads one answer with a {@code Content-Length} from a connection that stays open. */
    private static String readOne(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(length.find(), head.toString());
        in.readNBytes(Integer.parseInt(length.group(1)));
        return head.toString();
    }

    /**
     * Sends {@code start}, then a byte every {@link #TRICKLE_MILLIS} (never idle long enough for
     * the idle timeout, and bytes keep arriving before the deadline): 408 at the deadline.
     */
    private void assertTimesOut(String start, String from) throws Exception {
        try (Socket socket = RawHttp.connect(base, InetAddress.getByName(from))) {
            assertTimesOut(socket, start);
        }
    }

    private static void assertTimesOut(Socket socket, String start) throws Exception {
        {
            long begun = System.nanoTime();
            write(socket, start);
            Thread trickle =
                    new Thread(
                            () -> {
                                try {
                                    for (int i = 0; i < 240; i++) {
                                        // A slow client on purpose: a byte at a time.
                                        Thread.sleep(TRICKLE_MILLIS);
                                        write(socket, "x");
                                    }
                                } catch (IOException | InterruptedException closed) {
                                    // the server closed the connection, or the test is over
                                }
                            });
            trickle.setDaemon(true);
            trickle.start();
            socket.setSoTimeout((int) (4 * DEADLINE_MILLIS));
            RawHttp.Answer answer;
            try {
                answer = RawHttp.read(socket);
            } finally {
                trickle.interrupt();
            }
            long millis = (System.nanoTime() - begun) / 1_000_000;
            assertEquals(408, answer.status(), answer.toString());
            assertTrue(answer.body().contains("\"error\":\"request_timeout\""), answer.toString());
            assertTrue(
                    millis >= DEADLINE_MILLIS - 500,
                    "answered after " + millis + " ms, before the deadline");
            // RawHttp.read returns once the server has closed the connection.
        }
    }

    /**
     * What the server sent before closing within {@code millis} ("" if nothing), or null while it
     * holds on.
     */
    private static String answerWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        StringBuilder got = new StringBuilder();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) != -1; ) {
                got.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return got.toString();
        } catch (SocketTimeoutException stillOpen) {
            return got.length() == 0 ? null : got.toString();
        } catch (IOException reset) {
            return got.toString();
        }
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
