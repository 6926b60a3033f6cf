package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.Api;
import io.authservice.LogLines;
import io.authservice.api.ErrorMappers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Seeded generated requests across every endpoint: valid and invalid tokens, bodies with control
 * characters, invalid UTF-8, duplicate keys, odd types and sizes, odd content types and headers.
 * Every answer must be below 500, and every 4xx a JSON object with an {@code error}; no value may
 * pass validation only for the database to refuse it (a NUL byte, SQLSTATE 22021). Replay a failure
 * with {@code -Dfuzz.seed=<seed>}; {@code -Dfuzz.requests=<n>} sets the count. What Vert.x' HTTP
 * codec refuses before the service sees it (control characters in header values, malformed
 * percent-escapes in the request line) is left to {@link HostileInputTest}.
 */
@QuarkusTest
class HostileInputFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    /**
     * What {@link ErrorMappers} logs when PostgreSQL refuses a value: a safety net only, every
     * hostile value must be refused by validation before it reaches the database.
     */
    private static final String DATABASE_REFUSED = "the database refused a value";

    @TestHTTPResource("/")
    URI base;

    private Random random;
    private List<String> authorizations;
    private List<String> ids;

    @Test
    void everyAnswerIsBelow500AndEveryClientErrorIsJson() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("fuzz.requests", 2000);
        random = new Random(seed);
        arrange();
        List<String> failures = new ArrayList<>();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < requests && failures.size() < 10; i++) {
            Request request = request();
            try {
                RawHttp.Answer[] answer = new RawHttp.Answer[1];
                List<String> refused =
                        LogLines.of(
                                        ErrorMappers.class.getName(),
                                        () ->
                                                answer[0] =
                                                        RawHttp.send(
                                                                base,
                                                                request.head(),
                                                                request.wire()))
                                .stream()
                                .filter(line -> line.contains(DATABASE_REFUSED))
                                .toList();
                statuses.merge(answer[0].status(), 1, Integer::sum);
                String problem =
                        refused.isEmpty()
                                ? problem(request, answer[0])
                                : "validation let through what the database refused: " + refused;
                if (problem != null) {
                    failures.add("#" + i + " " + request + "\n    -> " + problem);
                }
            } catch (Exception e) {
                failures.add("#" + i + " " + request + "\n    -> " + e);
            }
        }
        System.out.printf(
                "fuzz: seed %d, %d requests in %d ms, statuses %s%n",
                seed, requests, (System.nanoTime() - started) / 1_000_000, statuses);
        if (!failures.isEmpty()) {
            fail(
                    "fuzz seed "
                            + seed
                            + " (replay with -Dfuzz.seed="
                            + seed
                            + "):\n"
                            + String.join("\n", failures));
        }
    }

    /**
     * Tokens of every kind, and users an administrator may change without disturbing other tests.
     */
    private void arrange() {
        Api.Tokens user = Api.tokens(Api.newUser("fuzz"));
        String admin = Api.adminToken();
        String flipped = user.accessToken().substring(0, user.accessToken().length() - 3) + "AAA";
        authorizations =
                List.of(
                        "",
                        "Bearer " + admin,
                        "Bearer " + admin,
                        "Bearer " + user.accessToken(),
                        "Bearer " + user.refreshToken(),
                        "Bearer " + flipped,
                        "Bearer",
                        "Bearer ",
                        "Bearer a.b.c",
                        "Basic d2ViOg==",
                        "Basic !!!",
                        "bearer " + admin,
                        "Bearer " + admin + " extra",
                        "Negotiate x",
                        "Bearer " + "x".repeat(6000),
                        "Bearer \u00e9\u00ff");
        ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(Api.me(Api.tokens(Api.newUser("fuzzvictim")).accessToken()).path("id"));
        }
        ids.addAll(
                List.of(
                        UUID.randomUUID().toString(),
                        "not-a-uuid",
                        "%00",
                        "%FF%FE",
                        "..%2F..%2Fadmin",
                        "",
                        "00000000-0000-0000-0000-000000000000",
                        "x".repeat(3000),
                        "%E2%80%AE",
                        "1;DROP%20TABLE%20users"));
    }

    record Request(String method, String path, List<String> headers, byte[] body, boolean chunked) {

        String head() {
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1");
            headers.forEach(h -> head.append("\r\n").append(h));
            head.append(
                    chunked
                            ? "\r\nTransfer-Encoding: chunked"
                            : "\r\nContent-Length: " + body.length);
            return head.toString();
        }

        byte[] wire() {
            return chunked ? RawHttp.chunked(body) : body;
        }

        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return method
                    + " "
                    + abbreviate(path)
                    + " "
                    + headers.stream().map(HostileInputFuzzTest::abbreviate).toList()
                    + (chunked ? " chunked" : "")
                    + " body("
                    + body.length
                    + ")="
                    + abbreviate(text);
        }
    }

    private Request request() {
        String[] endpoint = pick(ENDPOINTS);
        String method =
                chance(8)
                        ? pick(
                                List.of(
                                        "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD",
                                        "FOO"))
                        : endpoint[0];
        String path =
                endpoint[1]
                        .replace("{id}", pick(ids))
                        .replace("{kid}", pick(KIDS))
                        .replace("{query}", pick(QUERIES));
        if (isStateChangingForOthers(method, path)) {
            path = "/admin/keys";
        }
        List<String> headers = new ArrayList<>();
        headers.add("Host: " + (chance(15) ? pick(HOSTS) : "localhost:" + base.getPort()));
        String authorization = pick(authorizations);
        if (!authorization.isEmpty()) {
            headers.add("Authorization: " + authorization);
        }
        String json = endpoint[2];
        boolean form = json.startsWith("form:");
        byte[] body = body(form ? json.substring(5) : json, form);
        String type =
                chance(3)
                        ? pick(CONTENT_TYPES)
                        : form ? "application/x-www-form-urlencoded" : "application/json";
        if (type != null) {
            headers.add("Content-Type: " + type);
        }
        for (int extra = random.nextInt(3); extra > 0; extra--) {
            headers.add(pick(HEADER_NAMES) + ": " + pick(HEADER_VALUES));
        }
        if ("HEAD".equals(method) || "GET".equals(method) && chance(2)) {
            body = new byte[0];
        }
        return new Request(method, path, headers, body, body.length > 0 && chance(6));
    }

    /**
     * Rotating or withdrawing keys and touching the bootstrap administrator would disturb other
     * tests.
     */
    private static boolean isStateChangingForOthers(String method, String path) {
        return !"GET".equals(method) && path.startsWith("/admin/keys") && !path.contains("/fuzz-");
    }

    private byte[] body(String template, boolean form) {
        return switch (random.nextInt(12)) {
            case 0 -> new byte[0];
            case 1 -> randomBytes(random.nextInt(200));
            case 2 -> pick(ODD_JSON).getBytes(StandardCharsets.UTF_8);
            case 3 -> bytes(template.substring(0, random.nextInt(template.length() + 1)));
            case 4 -> withInvalidUtf8(mutate(template, form));
            case 5 -> bytes(mutate(template, form) + "x".repeat(MAX_BODY + random.nextInt(4096)));
            default -> bytes(mutate(template, form));
        };
    }

    /**
     * Fills a template's {@code $} slots with values, some of them hostile, and sometimes repeats a
     * key.
     */
    private String mutate(String template, boolean form) {
        String[] parts = template.split("\\$", -1);
        StringBuilder filled = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            filled.append(form ? formValue() : jsonValue()).append(parts[i]);
        }
        String text = filled.toString();
        if (chance(5) && !text.isEmpty()) {
            return form ? text + "&" + text : text.replaceFirst("}$", "," + text.substring(1));
        }
        return text;
    }

    private String jsonValue() {
        return switch (random.nextInt(14)) {
            case 0 -> "null";
            case 1 -> "12345678901234567890123456789";
            case 2 -> "1e999999";
            case 3 -> "[\"a\",\"b\"]";
            case 4 -> "{\"nested\":{\"deep\":[1,2,{}]}}";
            case 5 -> "true";
            case 6 -> "\"" + "\\u0000".repeat(1 + random.nextInt(3)) + "\"";
            case 7 -> "\"a\\u0001b\\u007f\\u009f\"";
            case 8 -> "\"\\ud800\"";
            case 9 -> "\"" + "y".repeat(random.nextInt(20_000)) + "\"";
            case 10 -> "\"" + "[".repeat(3000) + "\"";
            case 11 -> "[".repeat(5000);
            default -> "\"" + pick(PLAIN) + "\"";
        };
    }

    private String formValue() {
        return switch (random.nextInt(10)) {
            case 0 -> "%00";
            case 1 -> "a%01b%7F";
            case 2 -> "%FF%FE";
            case 3 -> "%zz%";
            case 4 -> "%ED%A0%80";
            case 5 -> "y".repeat(random.nextInt(20_000));
            case 6 -> "";
            default -> pick(PLAIN);
        };
    }

    private byte[] withInvalidUtf8(String text) {
        byte[] plain = bytes(text);
        int at = plain.length == 0 ? 0 : random.nextInt(plain.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, at);
        out.writeBytes(
                pick(
                        List.of(
                                new byte[] {(byte) 0xFF},
                                new byte[] {(byte) 0xC3, (byte) 0x28},
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                new byte[] {(byte) 0xF4, (byte) 0x90, 0x0, 0x0},
                                new byte[] {0})));
        out.write(plain, at, plain.length - at);
        return out.toByteArray();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Null if the answer is acceptable, otherwise what is wrong with it. */
    private static String problem(Request request, RawHttp.Answer answer) {
        if (answer.status() >= 500) {
            return "server error: " + answer;
        }
        if (answer.status() < 400 || "HEAD".equals(request.method())) {
            return null;
        }
        if (!String.valueOf(answer.header("Content-Type")).startsWith("application/json")) {
            return "not JSON: " + answer;
        }
        try {
            JsonNode body = JSON.readTree(answer.body());
            if (body == null || !body.path("error").isTextual()) {
                return "no error field: " + answer;
            }
        } catch (Exception e) {
            return "unparseable: " + answer;
        }
        if (answer.status() == 401 && answer.header("WWW-Authenticate") == null) {
            return "401 without WWW-Authenticate: " + answer;
        }
        return null;
    }

    // ---- the vocabulary ----

    /** Method, path, body template ($ = a value; "form:" = form-encoded). */
    private static final List<String[]> ENDPOINTS =
            List.of(
                    new String[] {
                        "POST",
                        "/oauth2/token",
                        "form:grant_type=password&username=$&password=$&scope=$"
                    },
                    new String[] {
                        "POST",
                        "/oauth2/token",
                        "{\"grant_type\":\"password\",\"username\":$,\"password\":$}"
                    },
                    new String[] {
                        "POST",
                        "/oauth2/token",
                        "form:grant_type=refresh_token&refresh_token=$&client_id=$"
                    },
                    new String[] {"POST", "/oauth2/token", "form:grant_type=$&client_id=$"},
                    new String[] {"POST", "/oauth2/revoke", "form:token=$&token_type_hint=$"},
                    new String[] {"POST", "/oauth2/revoke", "{\"token\":$}"},
                    new String[] {
                        "POST",
                        "/oauth2/token",
                        "form:grant_type=client_credentials&client_id=$&client_secret=$&scope=$"
                    },
                    new String[] {
                        "POST",
                        "/oauth2/token",
                        "form:grant_type=client_credentials&client_assertion_type=$&client_assertion=$"
                    },
                    new String[] {"POST", "/oauth2/introspect", "form:token=$&token_type_hint=$"},
                    new String[] {
                        "POST", "/oauth2/introspect", "form:token=$&client_id=$&client_secret=$"
                    },
                    new String[] {"GET", "/oauth2/userinfo", ""},
                    new String[] {"POST", "/oauth2/userinfo", ""},
                    new String[] {
                        "POST",
                        "/admin/clients",
                        "{\"client_name\":$,\"grant_types\":[$],\"token_endpoint_auth_method\":$,\"scope\":$}"
                    },
                    new String[] {
                        "POST",
                        "/admin/clients",
                        "{\"client_name\":$,\"grant_types\":$,\"jwks\":$,\"allowed_cors_origins\":[$]}"
                    },
                    new String[] {"GET", "/admin/clients", ""},
                    new String[] {"GET", "/admin/clients/{kid}", ""},
                    new String[] {
                        "PUT", "/admin/clients/{kid}", "{\"client_name\":$,\"grant_types\":[$]}"
                    },
                    new String[] {"DELETE", "/admin/clients/{kid}", ""},
                    new String[] {"POST", "/admin/clients/{kid}/secret", ""},
                    new String[] {"POST", "/users", "{\"username\":$,\"password\":$,\"email\":$}"},
                    new String[] {"GET", "/users/me", ""},
                    new String[] {
                        "POST", "/users/me/password", "{\"current_password\":$,\"new_password\":$}"
                    },
                    new String[] {"GET", "/admin/users{query}", ""},
                    new String[] {"GET", "/admin/users/{id}", ""},
                    new String[] {"POST", "/admin/users/{id}/disable", ""},
                    new String[] {"POST", "/admin/users/{id}/enable", ""},
                    new String[] {"PUT", "/admin/users/{id}/roles", "{\"roles\":[$,$]}"},
                    new String[] {"PUT", "/admin/users/{id}/roles", "{\"roles\":$}"},
                    new String[] {"DELETE", "/admin/users/{id}", ""},
                    new String[] {"POST", "/admin/users/{id}/revoke-sessions", ""},
                    new String[] {"GET", "/admin/keys", ""},
                    new String[] {"POST", "/admin/keys/rotate", ""},
                    new String[] {"POST", "/admin/keys/{kid}/withdraw", ""},
                    new String[] {"GET", "/.well-known/jwks.json", ""},
                    new String[] {"GET", "/.well-known/openid-configuration", ""},
                    new String[] {"GET", "/.well-known/oauth-authorization-server", ""},
                    new String[] {"GET", "/nothing/here", ""});

    private static final List<String> KIDS =
            List.of("fuzz-unknown", "fuzz-%00", "fuzz-%FF", "fuzz-" + "k".repeat(500));
    private static final List<String> QUERIES =
            List.of(
                    "",
                    "?search=a",
                    "?search=%00",
                    "?search=%FF%FE",
                    "?page=-1",
                    "?size=0",
                    "?size=101",
                    "?page=99999999999",
                    "?size=abc",
                    "?search=" + "s".repeat(100),
                    "?search=%25_%5C",
                    "?search=a&search=b",
                    "?page=1e3",
                    "?a=%C3%28");
    private static final List<String> PLAIN =
            List.of(
                    "admin",
                    "web",
                    "password",
                    "refresh_token",
                    "openid profile",
                    "someone@example.com",
                    "correct-horse-battery",
                    "x",
                    "ÄÖÜ",
                    "名前",
                    "\\\"quoted\\\"");
    private static final List<String> ODD_JSON =
            List.of(
                    "[]",
                    "null",
                    "1",
                    "\"text\"",
                    "{}",
                    "{",
                    "}",
                    "[{}]",
                    "{\"a\":1,\"a\":2}",
                    "{\"\":\"\"}",
                    "\ufeff{}",
                    "{\"username\":\"a\"}garbage",
                    "{'single':'quotes'}",
                    "{\"username\":NaN}",
                    "/* comment */{}");
    private static final List<String> CONTENT_TYPES =
            java.util.Arrays.asList(
                    null,
                    "",
                    "application/json",
                    "application/json; charset=latin1",
                    "application/json; charset=nonsense",
                    "application/json;;;",
                    "application/x-www-form-urlencoded",
                    "application/x-www-form-urlencoded; charset=utf-16",
                    "text/plain",
                    "multipart/form-data; boundary=x",
                    "multipart/form-data",
                    "garbage",
                    "/",
                    "*/*",
                    "application/xml",
                    "application/jwt",
                    "Application/JSON");
    private static final List<String> HOSTS =
            List.of(
                    "",
                    "evil.example",
                    "a b",
                    "[::1",
                    "localhost:99999",
                    "localhost:-1",
                    "x".repeat(300),
                    "%00",
                    "localhost:abc",
                    "[::1]:8080");
    private static final List<String> HEADER_NAMES =
            List.of(
                    "X-Forwarded-For",
                    "X-Forwarded-Proto",
                    "X-Forwarded-Host",
                    "X-Forwarded-Port",
                    "X-Forwarded-Prefix",
                    "Forwarded",
                    "Accept",
                    "Accept",
                    "Accept-Charset",
                    "Accept-Encoding",
                    "Origin",
                    "Cookie",
                    "If-None-Match",
                    "Expect",
                    "Content-Encoding",
                    "Range",
                    "X-Http-Method-Override");
    private static final List<String> HEADER_VALUES =
            List.of(
                    "",
                    " ",
                    ",",
                    ", ,",
                    "garbage",
                    "::::",
                    "a b",
                    "203.0.113.9",
                    "for=\"[::1",
                    "proto=;host=",
                    "gopher",
                    "99999999",
                    "-1",
                    "text/html",
                    "application/xml",
                    "*/*;q=0",
                    "application/json;q=x",
                    "\u00ff\u00fe",
                    "x".repeat(5000),
                    "gzip",
                    "100-continue",
                    "bytes=0-1",
                    "\"etag\"",
                    "DELETE",
                    "a=b; c=d");

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…(" + text.length() + ")" : text;
    }
}
