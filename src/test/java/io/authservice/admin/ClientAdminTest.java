package io.authservice.admin;

import static io.authservice.clients.ClientsApi.admin;
import static io.authservice.clients.ClientsApi.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Db;
import io.authservice.clients.ClientsApi;
import io.authservice.clients.ClientsApi.Registered;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ClientAdminTest {

    private static Map<String, Object> machine(String... extra) {
        Map<String, Object> metadata =
                new HashMap<>(
                        Map.of(
                                "client_name",
                                "billing",
                                "grant_types",
                                List.of("client_credentials"),
                                "scope",
                                "orders.read"));
        for (int i = 0; i < extra.length; i += 2) {
            metadata.put(extra[i], extra[i + 1]);
        }
        return metadata;
    }

    @Test
    void registrationShowsTheSecretOnceAndKeepsOnlyItsHash() {
        Response made = register(machine());
        made.then()
                .statusCode(201)
                .header("Location", endsWith("/admin/clients/" + made.path("client_id")))
                .body("client_secret", notNullValue())
                .body("client_secret_expires_at", equalTo(0))
                .body("client_id_issued_at", notNullValue())
                .body("token_endpoint_auth_method", equalTo("client_secret_basic"))
                .body("grant_types", equalTo(List.of("client_credentials")))
                .body("scope", equalTo("orders.read"))
                .body("audience", equalTo(List.of("api")));
        String id = made.path("client_id");
        String secret = made.path("client_secret");
        assertTrue(
                java.util.Base64.getUrlDecoder().decode(secret).length >= 32, "256 bits of secret");
        admin().get("/admin/clients/" + id)
                .then()
                .statusCode(200)
                .body("client_id", equalTo(id))
                .body("client_secret", nullValue())
                .body("client_name", equalTo("billing"));
        admin().get("/admin/clients")
                .then()
                .statusCode(200)
                .body("client_id", hasItem(id))
                .body("client_secret", not(hasItem(notNullValue())));
        byte[] stored =
                (byte[]) Db.value("select secret_hash from clients where client_id = ?", id);
        assertTrue(
                java.util.Arrays.equals(Db.sha256(secret), stored),
                "only the SHA-256 of the secret is stored");
    }

    @Test
    void invalidMetadataIsRefusedSayingWhatIsWrong() {
        List<Map<String, Object>> bad =
                List.of(
                        Map.of("grant_types", List.of("client_credentials")), // no name
                        machine("token_endpoint_auth_method", "client_secret_jwt"),
                        Map.of("client_name", "x", "grant_types", List.of()),
                        Map.of("client_name", "x", "grant_types", List.of("authorization_code")),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                "client_credentials"), // wrong type
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "token_endpoint_auth_method",
                                "none"),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("refresh_token"),
                                "token_endpoint_auth_method",
                                "none"),
                        machine("scope", "orders\"read"),
                        machine("scope", ""),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "audience",
                                List.of()),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "audience",
                                List.of("a b")),
                        machine("token_endpoint_auth_method", "private_key_jwt"), // no jwks
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "jwks",
                                Map.of("keys", List.of())),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "jwks",
                                Map.of("keys", List.of(Map.of("kty", "oct", "k", "c2VjcmV0")))),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("password"),
                                "token_endpoint_auth_method",
                                "none",
                                "allowed_cors_origins",
                                List.of("https://app.example.com/path")),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("password"),
                                "token_endpoint_auth_method",
                                "none",
                                "allowed_cors_origins",
                                List.of("*")),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "allowed_cors_origins",
                                List.of("https://app.example.com")), // confidential
                        machine("refresh_token_mode", "header"),
                        machine("refresh_token_mode", "cookie"), // confidential, no refresh grant
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "access_token_lifespan",
                                0),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "access_token_lifespan",
                                86_401),
                        Map.of(
                                "client_name",
                                "x",
                                "grant_types",
                                List.of("client_credentials"),
                                "access_token_lifespan",
                                "long"),
                        machine("client_name", "bad\u0000name"),
                        machine("client_id", "has space"));
        for (Map<String, Object> metadata : bad) {
            register(metadata)
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_client_metadata"))
                    .body("error_description", not(emptyOrNullString()));
        }
        admin().body("[1]")
                .post("/admin/clients")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
        admin().body("{")
                .post("/admin/clients")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void aPublicClientWithCookieModeAndOriginsIsStoredNormalized() {
        Response made =
                register(
                        Map.of(
                                "client_name",
                                "spa",
                                "grant_types",
                                List.of("password", "refresh_token"),
                                "token_endpoint_auth_method",
                                "none",
                                "refresh_token_mode",
                                "cookie",
                                "allowed_cors_origins",
                                List.of("HTTPS://App.Example.com:443", "http://127.0.0.1:5173")));
        made.then()
                .statusCode(201)
                .body("client_secret", nullValue())
                .body(
                        "allowed_cors_origins",
                        equalTo(List.of("https://app.example.com", "http://127.0.0.1:5173")))
                .body("refresh_token_mode", equalTo("cookie"));
    }

    @Test
    void aChosenIdIsKeptAndCannotBeTakenTwiceNorLookLikeAUserId() {
        String id = Api.uniqueName("svc:reports+x");
        register(machine("client_id", id)).then().statusCode(201).body("client_id", equalTo(id));
        register(machine("client_id", id))
                .then()
                .statusCode(409)
                .body("error", equalTo("client_id_taken"));
        register(machine("client_id", "web"))
                .then()
                .statusCode(409)
                .body("error", equalTo("client_id_taken"));
        // A client token's sub is its client_id; a user's sub is its UUID: a client may not take
        // that form.
        register(machine("client_id", java.util.UUID.randomUUID().toString()))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
        String generated = ClientsApi.registered(machine()).id();
        assertFalse(generated.matches("(?i)[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"), generated);
    }

    @Test
    void replacingMetadataKeepsTheSecretAndDropsItWhenTheMethodNoLongerUsesOne() {
        Registered client = ClientsApi.registered(machine());
        admin().body(machine("client_name", "renamed", "scope", "orders.read orders.write"))
                .put("/admin/clients/" + client.id())
                .then()
                .statusCode(200)
                .body("client_name", equalTo("renamed"))
                .body("scope", equalTo("orders.read orders.write"))
                .body("client_secret", nullValue());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);

        admin().body(
                        Map.of(
                                "client_name",
                                "public now",
                                "grant_types",
                                List.of("password"),
                                "token_endpoint_auth_method",
                                "none"))
                .put("/admin/clients/" + client.id())
                .then()
                .statusCode(200)
                .body("token_endpoint_auth_method", equalTo("none"));
        assertEquals(
                null, Db.value("select secret_hash from clients where client_id = ?", client.id()));

        Response back = admin().body(machine()).put("/admin/clients/" + client.id());
        back.then().statusCode(200).body("client_secret", notNullValue());
        assertNotEquals(client.secret(), back.path("client_secret"));
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(401);
        ClientsApi.clientCredentials(
                        new Registered(client.id(), back.path("client_secret")), Map.of())
                .then()
                .statusCode(200);

        admin().body(machine("client_id", "another"))
                .put("/admin/clients/" + client.id())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
        admin().body(machine()).put("/admin/clients/no-such-client").then().statusCode(404);
    }

    @Test
    void aRotatedSecretOverlapsWithThePreviousOneUntilTheOverlapEnds() {
        Registered client = ClientsApi.registered(machine());
        Response rotated = admin().post("/admin/clients/" + client.id() + "/secret");
        rotated.then()
                .statusCode(200)
                .body("client_id", equalTo(client.id()))
                .body("client_secret", notNullValue());
        Registered next = new Registered(client.id(), rotated.path("client_secret"));
        assertNotEquals(client.secret(), next.secret());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);
        ClientsApi.clientCredentials(next, Map.of()).then().statusCode(200);

        Db.update(
                "update clients set previous_secret_expires_at = now() - interval '1 second' where client_id = ?",
                client.id());
        ClientsApi.clientCredentials(client, Map.of())
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        ClientsApi.clientCredentials(next, Map.of()).then().statusCode(200);

        admin().post("/admin/clients/no-such-client/secret").then().statusCode(404);
        Registered spa = ClientsApi.spa();
        admin().post("/admin/clients/" + spa.id() + "/secret")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    /**
     * Issue 16: a leaked secret kept working for the whole overlap after a rotation, and after a
     * PUT.
     */
    @Test
    void aLeakedSecretStopsAtOnce() {
        Registered leaked = ClientsApi.registered(machine());
        Response rotated =
                admin().post("/admin/clients/" + leaked.id() + "/secret?keep_previous=false");
        rotated.then().statusCode(200);
        ClientsApi.clientCredentials(leaked, Map.of())
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        ClientsApi.clientCredentials(
                        new Registered(leaked.id(), rotated.path("client_secret")), Map.of())
                .then()
                .statusCode(200);
        admin().post("/admin/clients/" + leaked.id() + "/secret?keep_previous=maybe")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));

        Registered overlapping = ClientsApi.registered(machine());
        Registered next =
                new Registered(
                        overlapping.id(),
                        admin().post("/admin/clients/" + overlapping.id() + "/secret")
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("client_secret"));
        ClientsApi.clientCredentials(overlapping, Map.of()).then().statusCode(200);
        admin().delete("/admin/clients/" + overlapping.id() + "/secret/previous")
                .then()
                .statusCode(204);
        ClientsApi.clientCredentials(overlapping, Map.of()).then().statusCode(401);
        ClientsApi.clientCredentials(next, Map.of()).then().statusCode(200);
        admin().delete("/admin/clients/no-such-client/secret/previous").then().statusCode(404);

        // A PUT that changes the method ends the overlap; one that keeps it keeps the overlap.
        Registered kept = ClientsApi.registered(machine());
        admin().post("/admin/clients/" + kept.id() + "/secret").then().statusCode(200);
        admin().body(machine("client_name", "renamed"))
                .put("/admin/clients/" + kept.id())
                .then()
                .statusCode(200);
        ClientsApi.clientCredentials(kept, Map.of()).then().statusCode(200);
        Registered changed = ClientsApi.registered(machine());
        String current =
                admin().post("/admin/clients/" + changed.id() + "/secret")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("client_secret");
        admin().body(machine("token_endpoint_auth_method", "client_secret_post"))
                .put("/admin/clients/" + changed.id())
                .then()
                .statusCode(200);
        for (String secret : List.of(changed.secret(), current)) {
            given().contentType(ContentType.URLENC)
                    .formParams(
                            Map.of(
                                    "grant_type",
                                    "client_credentials",
                                    "client_id",
                                    changed.id(),
                                    "client_secret",
                                    secret))
                    .post("/oauth2/token")
                    .then()
                    .statusCode(secret.equals(current) ? 200 : 401);
        }
    }

    @Test
    void deletingAClientEndsItsSessionsAndItsCredentials() {
        Registered spa =
                ClientsApi.registered(
                        Map.of(
                                "client_name",
                                "spa",
                                "grant_types",
                                List.of("password", "refresh_token"),
                                "token_endpoint_auth_method",
                                "none"));
        String user = Api.newUser("spa-user");
        String refresh =
                Api.loginThrough(spa.id(), user)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("refresh_token");
        Registered machine = ClientsApi.registered(machine());

        admin().delete("/admin/clients/" + spa.id()).then().statusCode(204);
        admin().delete("/admin/clients/" + machine.id()).then().statusCode(204);
        admin().get("/admin/clients/" + spa.id()).then().statusCode(404);
        admin().delete("/admin/clients/" + spa.id()).then().statusCode(404);

        given().contentType(ContentType.URLENC)
                .formParams(
                        Map.of(
                                "grant_type",
                                "refresh_token",
                                "refresh_token",
                                refresh,
                                "client_id",
                                spa.id()))
                .post("/oauth2/token")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        assertEquals(
                "client_deleted",
                Db.value(
                        "select f.revoked_reason from refresh_families f join refresh_tokens t"
                                + " on t.family_id = f.id where t.token_hash = ?",
                        Db.sha256(refresh)));
        ClientsApi.clientCredentials(machine, Map.of()).then().statusCode(401);
    }

    @Test
    void onlyAdministratorsManageClients() {
        String user = Api.tokens(Api.newUser("not-admin")).accessToken();
        given().header("Authorization", "Bearer " + user)
                .contentType(ContentType.JSON)
                .body(machine())
                .post("/admin/clients")
                .then()
                .statusCode(403);
        given().header("Authorization", "Bearer " + user)
                .get("/admin/clients")
                .then()
                .statusCode(403);
        given().contentType(ContentType.JSON)
                .body(machine())
                .post("/admin/clients")
                .then()
                .statusCode(401);
        given().get("/admin/clients").then().statusCode(401);
    }

    @Test
    void theListNeverHoldsSecrets() {
        ClientsApi.registered(machine());
        String listing = admin().get("/admin/clients").then().statusCode(200).extract().asString();
        assertFalse(
                listing.contains("secret_hash") || listing.contains("client_secret\""), listing);
        admin().get("/admin/clients")
                .then()
                .body("token_endpoint_auth_method", hasItem("client_secret_basic"));
    }
}
