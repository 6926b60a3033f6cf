package io.authservice.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection, for what {@code java.net.http} refuses
 * to send: control characters in headers, invalid UTF-8, unknown methods, hand-made chunking.
 */
final class RawHttp {

    private RawHttp() {}

    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status
                    + " "
                    + headers
                    + " "
                    + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) and then {@code body}
     * as is.
     */
    static Answer send(URI base, String head, byte[] body) throws IOException {
        return send(base, head, body, null);
    }

    /**
     * The same from the local address {@code from} (a loopback address such as 127.0.0.2 on Linux:
     * another source).
     */
    static Answer send(URI base, String head, byte[] body, java.net.InetAddress from)
            throws IOException {
        try (Socket socket = connect(base, from)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    (head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before reading the whole body: read the answer
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    /**
     * A socket to {@code base} from the local address {@code from}, or from any when it is null.
     */
    static Socket connect(URI base, java.net.InetAddress from) throws IOException {
        Socket socket = new Socket();
        if (from != null) {
            socket.bind(new java.net.InetSocketAddress(from, 0));
        }
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        return socket;
    }

    /** A request with a body of known length. */
    static Answer request(
            URI base, String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        return request(base, method, path, headers, body, null);
    }

    /** A request with a body of known length, from the local address {@code from}. */
    static Answer request(
            URI base,
            String method,
            String path,
            Map<String, String> headers,
            byte[] body,
            java.net.InetAddress from)
            throws IOException {
        StringBuilder head =
                new StringBuilder(
                        method
                                + " "
                                + path
                                + " HTTP/1.1\r\nHost: "
                                + base.getHost()
                                + ":"
                                + base.getPort());
        headers.forEach(
                (name, value) -> head.append("\r\n").append(name).append(": ").append(value));
        if (body.length > 0 || "POST".equals(method) || "PUT".equals(method)) {
            head.append("\r\nContent-Length: ").append(body.length);
        }
        return send(base, head.toString(), body, from);
    }

    /**
     * {@code body} sent as one chunk of {@code Transfer-Encoding: chunked}, so no length is
     * declared.
     */
    static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Reads what the server sends until it closes the connection, as an answer. */
    static Answer read(Socket socket) throws IOException {
        return parse(readAll(socket.getInputStream()));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the answer was sent: keep what arrived
        }
        return all.toByteArray();
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        while (text.startsWith(
                "HTTP/1.1 1")) { // an interim answer (100 Continue) precedes the real one
            int interim = text.indexOf("\r\n\r\n") + 4;
            raw = java.util.Arrays.copyOfRange(raw, interim, raw.length);
            text = text.substring(interim);
        }
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (true) {
            int lineEnd = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(raw, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
