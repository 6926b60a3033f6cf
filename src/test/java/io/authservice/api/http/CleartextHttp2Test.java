package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API and management ports speak HTTP/1.1 only: no h2c upgrade, no HTTP/2 with prior knowledge
 * (TLS ends at the ingress).
 */
@QuarkusTest
class CleartextHttp2Test {

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest
    @ValueSource(strings = {"api", "management"})
    void anH2cUpgradeIsIgnored(String port) throws IOException {
        String path = port.equals("api") ? "/.well-known/jwks.json" : "/q/health/live";
        String answer =
                exchange(
                        port,
                        "GET "
                                + path
                                + " HTTP/1.1\r\nHost: localhost\r\n"
                                + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200"), port + ": " + answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "management"})
    void thePriorKnowledgePrefaceIsNotHttp2(String port) throws IOException {
        String answer = exchange(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        // An HTTP/2 server answers with a binary SETTINGS frame; the HTTP/1 codec refuses the
        // request line.
        assertTrue(
                answer.isEmpty() || answer.matches("(?s)HTTP/\\S+ 4\\d\\d .*"),
                port + ": " + answer);
    }

    private String exchange(String port, String request) throws IOException {
        int number =
                port.equals("api")
                        ? base.getPort()
                        : ConfigProvider.getConfig()
                                .getValue("quarkus.management.test-port", Integer.class);
        try (Socket socket = new Socket(base.getHost(), number)) {
            socket.setSoTimeout(3000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; got.size() < 12 && (n = in.read(buffer)) != -1; ) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException quiet) {
                // nothing more came
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
