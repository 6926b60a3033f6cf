package io.authservice.api.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Db;
import io.authservice.clients.ClientsApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Header;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * CORS on the contract's browser paths: origins of auth.cors.origins (the test profile has
 * https://configured.example) and of public clients, at once after a change through /admin/clients
 * and within auth.cors.refresh-interval after one made elsewhere; nothing for any other origin.
 */
@QuarkusTest
class CorsTest {

    static final String CONFIGURED = "https://configured.example";
    static final List<String> BROWSER_PATHS =
            List.of(
                    "/oauth2/token",
                    "/oauth2/revoke",
                    "/oauth2/userinfo",
                    "/users",
                    "/users/me",
                    "/users/me/password",
                    "/.well-known/jwks.json",
                    "/.well-known/openid-configuration",
                    "/.well-known/oauth-authorization-server");

    private static Response preflight(String path, String origin) {
        return given().header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options(path);
    }

    private static List<String> corsHeaders(Response answer) {
        return answer.getHeaders().asList().stream()
                .map(Header::getName)
                .filter(name -> name.toLowerCase().startsWith("access-control-"))
                .toList();
    }

    private static void assertCorsFor(String origin, Response answer) {
        assertEquals(
                origin, answer.header("Access-Control-Allow-Origin"), "the origin echoed, never *");
        assertEquals("true", answer.header("Access-Control-Allow-Credentials"));
        assertTrue(
                answer.getHeaders().getValues("Vary").stream().anyMatch(v -> v.contains("Origin")),
                "Vary: Origin");
    }

    @Test
    void aConfiguredOriginGetsCorsAnswersOnEveryBrowserPath() {
        for (String path : BROWSER_PATHS) {
            Response answer = preflight(path, CONFIGURED);
            assertEquals(204, answer.statusCode(), path);
            assertCorsFor(CONFIGURED, answer);
            assertEquals("GET, POST", answer.header("Access-Control-Allow-Methods"), path);
            assertEquals(
                    "Authorization, Content-Type",
                    answer.header("Access-Control-Allow-Headers"),
                    path);
            assertEquals("600", answer.header("Access-Control-Max-Age"), path);
        }
        Response jwks = given().header("Origin", CONFIGURED).get("/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode());
        assertCorsFor(CONFIGURED, jwks);
        // Errors too: a page must be able to read why its request failed.
        Response refused =
                given().header("Origin", CONFIGURED)
                        .contentType("application/x-www-form-urlencoded")
                        .formParam("grant_type", "password")
                        .formParam("username", "nobody")
                        .formParam("password", "wrong")
                        .post("/oauth2/token");
        assertEquals(400, refused.statusCode());
        assertCorsFor(CONFIGURED, refused);
        Response unauthenticated = given().header("Origin", CONFIGURED).get("/users/me");
        assertEquals(401, unauthenticated.statusCode());
        assertCorsFor(CONFIGURED, unauthenticated);
        assertTrue(
                unauthenticated
                        .header("Access-Control-Expose-Headers")
                        .contains("WWW-Authenticate"));
    }

    @Test
    void anUnlistedOriginGetsNoCorsHeaderAtAll() {
        for (String path : BROWSER_PATHS) {
            Response answer = preflight(path, "https://evil.example");
            assertEquals(List.of(), corsHeaders(answer), path);
            assertTrue(
                    answer.statusCode() != 204,
                    path + ": the preflight is not answered as allowed");
        }
        for (String origin :
                List.of(
                        "https://evil.example",
                        "null",
                        "https://configured.example.evil.example",
                        "http://configured.example",
                        "https://CONFIGURED.example")) {
            Response answer = given().header("Origin", origin).get("/.well-known/jwks.json");
            assertEquals(200, answer.statusCode());
            assertEquals(List.of(), corsHeaders(answer), origin);
            assertTrue(
                    answer.getHeaders().getValues("Vary").stream()
                            .anyMatch(v -> v.contains("Origin")),
                    "Vary: Origin on every answer of a browser path");
        }
    }

    @Test
    void pathsOutsideTheBrowserPathsGetNoCorsHeadersEvenForAListedOrigin() {
        for (String path :
                List.of(
                        "/admin/clients",
                        "/admin/users",
                        "/oauth2/introspect",
                        "/usersx",
                        "/nothing")) {
            assertEquals(List.of(), corsHeaders(preflight(path, CONFIGURED)), path);
            assertEquals(
                    List.of(), corsHeaders(given().header("Origin", CONFIGURED).get(path)), path);
        }
    }

    @Test
    void aPublicClientsOriginsCountAtOnceAfterARegistrationAndStopAfterTheDeletion() {
        String origin =
                "https://spa-" + UUID.randomUUID().toString().substring(0, 8) + ".example:8443";
        assertEquals(List.of(), corsHeaders(preflight("/oauth2/token", origin)));
        ClientsApi.Registered client =
                ClientsApi.registered(
                        Map.of(
                                "client_name",
                                Api.uniqueName("spa"),
                                "token_endpoint_auth_method",
                                "none",
                                "grant_types",
                                List.of("password", "refresh_token"),
                                "allowed_cors_origins",
                                List.of(origin)));
        Response allowed = preflight("/oauth2/token", origin);
        assertEquals(204, allowed.statusCode());
        assertCorsFor(origin, allowed);
        ClientsApi.admin().delete("/admin/clients/" + client.id()).then().statusCode(204);
        assertEquals(
                List.of(), corsHeaders(preflight("/oauth2/token", origin)), "gone with its client");
    }

    @Test
    void aChangeMadeByAnotherReplicaCountsWithinTheRefreshInterval() throws Exception {
        String origin =
                "https://other-replica-"
                        + UUID.randomUUID().toString().substring(0, 8)
                        + ".example";
        String id = Api.uniqueName("elsewhere");
        // As another replica would: straight into the table, this replica's cache not told.
        Db.update(
                "insert into clients (client_id, client_name, grant_types, token_endpoint_auth_method, scope,"
                        + " audience, allowed_cors_origins, refresh_token_mode, created_at) values (?, ?, '{password}', 'none',"
                        + " 'openid', '{api}', ?::text[], 'body', now())",
                id,
                id,
                "{" + origin + "}");
        try {
            long deadline =
                    System.nanoTime() + 5_000_000_000L; // auth.cors.refresh-interval is PT1S here
            Response answer;
            do {
                Thread.sleep(100);
                answer = preflight("/users/me", origin);
            } while (answer.statusCode() != 204 && System.nanoTime() < deadline);
            assertEquals(204, answer.statusCode(), "seen within the refresh interval");
            assertCorsFor(origin, answer);
        } finally {
            Db.update("delete from clients where client_id = ?", id);
        }
    }

    @Test
    void confidentialClientsCannotHaveOriginsSoOnlyPublicOnesCount() {
        ClientsApi.register(
                        Map.of(
                                "client_name",
                                "machine",
                                "grant_types",
                                List.of("client_credentials"),
                                "allowed_cors_origins",
                                List.of("https://machine.example")))
                .then()
                .statusCode(400);
        assertNull(
                preflight("/oauth2/token", "https://machine.example")
                        .header("Access-Control-Allow-Origin"));
    }
}
