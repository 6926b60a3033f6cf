package io.authservice.clients;

import static io.authservice.clients.ClientsApi.basic;
import static io.authservice.clients.ClientsApi.introspect;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.authservice.Api;
import io.authservice.clients.ClientsApi.Registered;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 7662: introspection sees what a local JWT check cannot (an ended session, a deleted client). */
@QuarkusTest
class IntrospectionTest {

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    private Registered resourceServer;

    @BeforeEach
    void aConfidentialClient() {
        resourceServer = ClientsApi.machine(Map.of());
    }

    private void active(String token) {
        introspect(resourceServer, token).then().statusCode(200).header("Cache-Control", "no-store")
                .body("active", equalTo(true));
    }

    private void inactive(String token) {
        introspect(resourceServer, token).then().statusCode(200).body("active", equalTo(false)).body("$", aMapWithSize(1));
    }

    @Test
    void aUsersAccessTokenIsActiveWithItsClaims() {
        String user = Api.newUser("introspect");
        Api.Tokens tokens = Api.tokens(user);
        Map<String, Object> claims = Api.claims(tokens.accessToken());
        introspect(resourceServer, tokens.accessToken()).then().statusCode(200)
                .body("active", equalTo(true))
                .body("token_type", equalTo("Bearer"))
                .body("sub", equalTo(claims.get("sub")))
                .body("username", equalTo(user))
                .body("client_id", equalTo("web"))
                .body("scope", equalTo("openid profile email"))
                .body("iss", equalTo(issuer))
                .body("aud", equalTo("api"))
                .body("exp", equalTo(claims.get("exp")))
                .body("iat", equalTo(claims.get("iat")))
                .body("sid", equalTo(claims.get("sid")));
    }

    @Test
    void anAccessTokenEndsWithItsSession() {
        Api.Tokens revoked = Api.tokens(Api.newUser("introspect-revoked"));
        active(revoked.accessToken());
        given().contentType(ContentType.URLENC).formParam("token", revoked.refreshToken()).post("/oauth2/revoke")
                .then().statusCode(200);
        inactive(revoked.accessToken());
        // Still valid for a local JWT check: only introspection knows.
        Api.me(revoked.accessToken()).then().statusCode(200);

        String user = Api.newUser("introspect-password");
        Api.Tokens before = Api.tokens(user);
        active(before.accessToken());
        given().header("Authorization", "Bearer " + before.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("current_password", Api.PASSWORD, "new_password", "another correct horse battery"))
                .post("/users/me/password").then().statusCode(204);
        inactive(before.accessToken());

        Api.Tokens disabled = Api.tokens(Api.newUser("introspect-disabled"));
        String id = (String) Api.claims(disabled.accessToken()).get("sub");
        active(disabled.accessToken());
        ClientsApi.admin().post("/admin/users/" + id + "/disable").then().statusCode(200);
        inactive(disabled.accessToken());
    }

    @Test
    void aRefreshTokenIsActiveWhileUsable() {
        String user = Api.newUser("introspect-rt");
        Api.Tokens tokens = Api.tokens(user);
        introspect(resourceServer, tokens.refreshToken()).then().statusCode(200)
                .body("active", equalTo(true)).body("token_type", equalTo("refresh_token"))
                .body("username", equalTo(user)).body("client_id", equalTo("web"))
                .body("exp", notNullValue()).body("iat", notNullValue()).body("iss", equalTo(issuer));
        Api.refresh(tokens.refreshToken()).then().statusCode(200);
        inactive(tokens.refreshToken());
    }

    @Test
    void aClientsTokenEndsWithTheClient() {
        Registered machine = ClientsApi.machine(Map.of("audience", List.of("orders")));
        String token = ClientsApi.clientCredentials(machine, Map.of()).path("access_token");
        introspect(resourceServer, token).then().statusCode(200).body("active", equalTo(true))
                .body("sub", equalTo(machine.id())).body("client_id", equalTo(machine.id()))
                .body("aud", equalTo("orders"));
        ClientsApi.admin().delete("/admin/clients/" + machine.id()).then().statusCode(204);
        inactive(token);
    }

    @Test
    void forgedExpiredAndUnknownTokensAreInactive() {
        String token = Api.tokens(Api.newUser("introspect-forged")).accessToken();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"scope\":\"", "\"scope\":\"admin ");
        inactive(parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2]);
        inactive(parts[0] + "." + parts[1] + ".");
        inactive("eyJhbGciOiJub25lIn0." + parts[1] + ".");
        inactive("no-such-token");
        inactive("a.b.c");
        inactive("x".repeat(9000));
    }

    @Test
    void onlyAuthenticatedConfidentialClientsMayIntrospect() {
        String token = Api.tokens(Api.newUser("introspect-who")).accessToken();
        given().contentType(ContentType.URLENC).formParam("token", token).post("/oauth2/introspect")
                .then().statusCode(401).body("error", equalTo("invalid_client"));
        given().contentType(ContentType.URLENC).formParams(Map.of("token", token, "client_id", "web"))
                .post("/oauth2/introspect").then().statusCode(401).body("error", equalTo("invalid_client"));
        given().header("Authorization", basic(resourceServer.id(), "wrong")).contentType(ContentType.URLENC)
                .formParam("token", token).post("/oauth2/introspect")
                .then().statusCode(401).body("error", equalTo("invalid_client"));
        given().header("Authorization", basic(resourceServer.id(), resourceServer.secret())).contentType(ContentType.URLENC)
                .post("/oauth2/introspect").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void theMetadataNameTheEndpointsAndMethods() {
        Response metadata = given().get("/.well-known/openid-configuration");
        metadata.then().statusCode(200)
                .body("introspection_endpoint", equalTo(issuer + "/oauth2/introspect"))
                .body("userinfo_endpoint", equalTo(issuer + "/oauth2/userinfo"))
                .body("grant_types_supported", hasItem("client_credentials"))
                .body("token_endpoint_auth_methods_supported",
                        equalTo(List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none")))
                .body("introspection_endpoint_auth_methods_supported",
                        equalTo(List.of("client_secret_basic", "client_secret_post", "private_key_jwt")))
                .body("token_endpoint_auth_signing_alg_values_supported", hasItem("RS256"))
                .body("claims_supported", hasItem("sid"));
    }
}
