package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted proxy: its X-Forwarded-For names the client, and garbage in it is still a client
 * error.
 */
@QuarkusTest
@TestProfile(TrustedProxyTest.Profile.class)
class TrustedProxyTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.trusted-proxies", "127.0.0.0/8, ::1");
        }
    }

    private static final List<String> HEADERS =
            List.of(
                    "X-Forwarded-Proto",
                    "X-Forwarded-Host",
                    "X-Forwarded-For",
                    "X-Forwarded-Port",
                    "X-Forwarded-Prefix",
                    "X-Forwarded-Server",
                    "Forwarded");
    private static final List<String> GARBAGE =
            List.of(
                    "",
                    " ",
                    ",",
                    "garbage",
                    "::::",
                    "a b",
                    "%00",
                    "99999999",
                    "-1",
                    "http://x/y",
                    "[::1",
                    "for=\"[::1",
                    "proto=;host=",
                    "for=unknown;proto=gopher",
                    "\u00ff\u00fe",
                    "a".repeat(2000));

    @TestHTTPResource("/")
    URI base;

    @Test
    void theProxysForwardedForNamesTheClient() throws Exception {
        assertEquals("203.0.113.9", source("203.0.113.9"));
        // A proxy appends the address it saw: entries left of it are the client's own claims.
        assertEquals("203.0.113.9", source("198.51.100.7, 203.0.113.9"));
        assertEquals("203.0.113.9", source("198.51.100.7, 203.0.113.9, 127.0.0.5"));
        assertEquals("2001:db8::1", source("2001:db8::1"));
        assertEquals("127.0.0.5", source("203.0.113.9, garbage, 127.0.0.5"));
        assertEquals("127.0.0.1", source(""));
        assertEquals("127.0.0.1", source(", "));
    }

    @Test
    void anEntryWithAPortOrInQuotesNamesItsAddress() throws Exception {
        // entry -> source; an entry that is not an address with a port leaves the proxy that passed
        // it on
        String[][] cases = {
            {"203.0.113.9:4711", "203.0.113.9"},
            {"[2001:db8::1]:4711", "2001:db8::1"},
            {"[2001:db8::1]", "2001:db8::1"},
            {"\"[2001:db8::1]:4711\"", "2001:db8::1"},
            {"\"203.0.113.9:4711\"", "203.0.113.9"},
            {"198.51.100.7:1, 203.0.113.9:4711, 127.0.0.5:80", "203.0.113.9"},
            {"[2001:db8::1]x", "127.0.0.1"},
            {"203.0.113.9:4711:1", "127.0.0.1"}
        };
        for (String[] entryAndSource : cases) {
            assertEquals(entryAndSource[1], source(entryAndSource[0]), entryAndSource[0]);
        }
    }

    @Test
    void locationIsUnderTheIssuerWhateverTheProxySays() throws Exception {
        RawHttp.Answer created =
                registration(
                        Map.of(
                                "X-Forwarded-Proto",
                                "gopher",
                                "X-Forwarded-Host",
                                "evil.example",
                                "Forwarded",
                                "proto=gopher;host=evil.example"));
        assertEquals(201, created.status(), created.toString());
        assertEquals(
                base.resolve("/users/me").toString(),
                created.header("Location"),
                created.toString());
    }

    /** The {@code source=} of the audit line of a failed login sent with this X-Forwarded-For. */
    private String source(String forwardedFor) throws Exception {
        List<String> audit =
                HostileInputTest.auditLines(
                        () ->
                                RawHttp.request(
                                        base,
                                        "POST",
                                        "/oauth2/token",
                                        Map.of(
                                                "X-Forwarded-For",
                                                forwardedFor,
                                                "Content-Type",
                                                "application/x-www-form-urlencoded"),
                                        ("grant_type=password&username="
                                                        + Api.uniqueName("nobody")
                                                        + "&password=wrong-password")
                                                .getBytes(StandardCharsets.UTF_8)));
        return audit.stream()
                .filter(line -> line.contains("event=login"))
                .findFirst()
                .orElseThrow()
                .replaceFirst(".*source=(\\S*).*", "$1");
    }

    @Test
    void garbageFromTheProxyIsNeverAServerError() throws Exception {
        for (String header : HEADERS) {
            for (String value : GARBAGE) {
                String what =
                        header + ": " + value.substring(0, Math.min(value.length(), 20)) + " -> ";
                RawHttp.Answer created = registration(Map.of(header, value));
                assertTrue(created.status() == 201 || isJsonError(created), what + created);
                RawHttp.Answer login =
                        RawHttp.request(
                                base,
                                "POST",
                                "/oauth2/token",
                                Map.of(
                                        header,
                                        value,
                                        "Content-Type",
                                        "application/x-www-form-urlencoded"),
                                ("grant_type=password&username="
                                                + Api.uniqueName("nobody")
                                                + "&password=wrong-password")
                                        .getBytes(StandardCharsets.UTF_8));
                assertTrue(isJsonError(login), what + login);
                RawHttp.Answer jwks =
                        RawHttp.request(
                                base,
                                "GET",
                                "/.well-known/jwks.json",
                                Map.of(header, value),
                                new byte[0]);
                assertTrue(jwks.status() == 200 || isJsonError(jwks), what + jwks);
            }
        }
    }

    private static boolean isJsonError(RawHttp.Answer answer) {
        try {
            HostileInputTest.clientError(answer);
            return true;
        } catch (AssertionError | Exception e) {
            return false;
        }
    }

    private RawHttp.Answer registration(Map<String, String> headers) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return RawHttp.request(
                base,
                "POST",
                "/users",
                all,
                ("{\"username\":\""
                                + Api.uniqueName("proxy")
                                + "\",\"password\":\""
                                + Api.PASSWORD
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }
}
