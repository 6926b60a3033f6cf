package io.authservice.api.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.ProxiedProfile;
import io.authservice.clients.ClientsApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The router cannot be talked out of a limit: matrix parameters (which RESTEasy strips after the
 * router has looked at the path) are refused, and spellings of a limited path count against its
 * limit. {@code /oauth2/revoke} and {@code /oauth2/introspect} have a budget of their own.
 */
@QuarkusTest
@TestProfile(RateLimitPathTest.Profile.class)
class RateLimitPathTest {

    static final int BURST = 5;

    public static class Profile extends ProxiedProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            // With the profile's prefix: application.properties turns both off for %test.
            config.put("%test.auth.rate-limit.requests-per-second", "1");
            config.put("auth.rate-limit.burst", String.valueOf(BURST));
            config.put("%test.auth.rate-limit.revoke-introspect.requests-per-second", "1");
            config.put("auth.rate-limit.revoke-introspect.burst", String.valueOf(BURST));
            // Refusals at once: their delay has its own test (RateLimitTest), and here it would
            // hold each of the some 40 refusals, sent one after another, for a second.
            config.put("auth.rate-limit.refusal-delay", "PT0S");
            return config;
        }
    }

    private static final List<String> LIMITED =
            List.of(
                    "/oauth2/token",
                    "/users",
                    "/users/me/password",
                    "/oauth2/revoke",
                    "/oauth2/introspect");
    private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

    @TestHTTPResource("/")
    URI base;

    /** A fresh address of TEST-NET-3 for each use: every address starts with a full bucket. */
    private static String newAddress() {
        int n = ADDRESSES.getAndIncrement();
        return "203.0.113." + n;
    }

    private RawHttp.Answer post(String address, String path) throws Exception {
        boolean json = path.toLowerCase().contains("users");
        return RawHttp.request(
                base,
                "POST",
                path,
                Map.of(
                        "X-Forwarded-For",
                        address,
                        "Content-Type",
                        json ? "application/json" : "application/x-www-form-urlencoded"),
                (json ? "{}" : "grant_type=password&token=x").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void matrixParametersAreRefusedOnEveryPath() throws Exception {
        List<String> paths = new ArrayList<>();
        for (String path : LIMITED) {
            paths.add(path + ";x");
            paths.add(path + ";");
            paths.add(path + "%3Bx");
            paths.add(path + "%3bx");
            paths.add(path.replaceFirst("^(/[^/]*)", "$1;a=b"));
        }
        for (String path : paths) {
            RawHttp.Answer answer = post(newAddress(), path);
            assertEquals(400, answer.status(), path + " -> " + answer);
            assertTrue(
                    answer.body().contains("\"error\":\"invalid_request\"")
                            && answer.body().contains("matrix"),
                    path + " -> " + answer);
        }
        RawHttp.Answer jwks =
                RawHttp.request(base, "GET", "/.well-known/jwks.json;x", Map.of(), new byte[0]);
        assertEquals(400, jwks.status(), jwks.toString());
        assertTrue(jwks.body().contains("matrix"), jwks.toString());
        // Without them the path still works.
        assertEquals(
                200,
                RawHttp.request(base, "GET", "/.well-known/jwks.json", Map.of(), new byte[0])
                        .status());
    }

    @Test
    void spellingsOfALimitedPathCountAgainstItsLimit() throws Exception {
        for (String path :
                List.of(
                        "/oauth2/token",
                        "/oauth2/token/",
                        "//oauth2/token",
                        "/oauth2//token",
                        "/OAUTH2/TOKEN",
                        "/oauth2/Token",
                        "/oauth2/./token",
                        "/oauth2/x/../token",
                        "/oauth2/%74oken",
                        "/users/",
                        "//users",
                        "/Users",
                        "/users/me//password",
                        "/users/me/password/",
                        "/oauth2/revoke/",
                        "/OAuth2/Introspect")) {
            assertLimited(path);
        }
    }

    @Test
    void revokeAndIntrospectShareABudgetOfTheirOwn() throws Exception {
        String address = newAddress();
        for (int i = 0; i < BURST; i++) {
            RawHttp.Answer answer =
                    post(address, i % 2 == 0 ? "/oauth2/revoke" : "/oauth2/introspect");
            assertTrue(answer.status() != 429 && answer.status() < 500, answer.toString());
        }
        RawHttp.Answer limited = post(address, "/oauth2/introspect");
        assertEquals(429, limited.status(), limited.toString());
        assertTrue(limited.body().contains("too_many_requests"), limited.toString());
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1, limited.toString());
        // The password grant of that address draws on the other budget.
        RawHttp.Answer token = post(address, "/oauth2/token");
        assertEquals(400, token.status(), token.toString());
    }

    @Test
    void successfulIntrospectionsGiveTheirShareBackFailuresDoNot() {
        String address = newAddress();
        ClientsApi.Registered client = ClientsApi.machine(Map.of("introspection_allowed", true));
        String basic = ClientsApi.basic(client.id(), client.secret());
        // Three times the burst, faster than it refills: a resource server's steady checks pass.
        for (int i = 0; i < 3 * BURST; i++) {
            given().header("X-Forwarded-For", address)
                    .header("Authorization", basic)
                    .contentType(ContentType.URLENC)
                    .formParam("token", "not-a-token")
                    .post("/oauth2/introspect")
                    .then()
                    .statusCode(200);
        }
        // A wrong secret spends the budget: the same address is refused after the burst.
        String wrong = ClientsApi.basic(client.id(), "wrong-secret");
        int refused = 0;
        for (int i = 0; i < 2 * BURST; i++) {
            int status =
                    given().header("X-Forwarded-For", address)
                            .header("Authorization", wrong)
                            .contentType(ContentType.URLENC)
                            .formParam("token", "not-a-token")
                            .post("/oauth2/introspect")
                            .statusCode();
            assertTrue(status == 401 || status == 429, "status " + status);
            refused += status == 429 ? 1 : 0;
        }
        assertTrue(refused >= BURST - 1, refused + " of " + 2 * BURST + " failures refused");
    }

    /**
     * Sends twice the burst from one address, one after another: whatever the answer to this
     * spelling (the resource's or 404), the limit refuses some. The bucket refills one request a
     * second, so even a slow machine sends them faster than that.
     */
    private void assertLimited(String path) throws Exception {
        String address = newAddress();
        int limited = 0;
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2 * BURST + 2; i++) {
            RawHttp.Answer answer = post(address, path);
            statuses.add(answer.status());
            assertTrue(answer.status() < 500, path + " -> " + answer);
            if (answer.status() == 429) {
                limited++;
            }
        }
        assertTrue(limited >= 2, path + ": no limit, answers " + statuses);
    }
}
