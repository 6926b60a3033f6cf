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

/**
 * RFC 7662: introspection sees what a local JWT check cannot (an ended session, a deleted client).
 */
@QuarkusTest
class IntrospectionTest {

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    /** A confidential client registered for introspection, whose users log in through it. */
    private Registered resourceServer;

    @BeforeEach
    void aConfidentialClient() {
        resourceServer =
                ClientsApi.machine(
                        Map.of(
                                "introspection_allowed",
                                true,
                                "grant_types",
                                List.of("client_credentials", "password", "refresh_token"),
                                "scope",
                                "openid profile email"));
    }

    /** A user's tokens from a login through {@code client} (client_secret_basic). */
    private static Api.Tokens tokens(Registered client, String user) {
        Response answer =
                given().header("Authorization", basic(client.id(), client.secret()))
                        .contentType(ContentType.URLENC)
                        .formParams(
                                Map.of(
                                        "grant_type",
                                        "password",
                                        "username",
                                        user,
                                        "password",
                                        Api.PASSWORD))
                        .post("/oauth2/token");
        answer.then().statusCode(200);
        return Api.Tokens.of(answer);
    }

    private void active(String token) {
        introspect(resourceServer, token)
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("active", equalTo(true));
    }

    private void inactive(String token) {
        introspect(resourceServer, token)
                .then()
                .statusCode(200)
                .body("active", equalTo(false))
                .body("$", aMapWithSize(1));
    }

    @Test
    void aUsersAccessTokenIsActiveWithItsClaims() {
        String user = Api.newUser("introspect");
        Api.Tokens tokens = tokens(resourceServer, user);
        Map<String, Object> claims = Api.claims(tokens.accessToken());
        introspect(resourceServer, tokens.accessToken())
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("token_type", equalTo("Bearer"))
                .body("sub", equalTo(claims.get("sub")))
                .body("username", equalTo(user))
                .body("client_id", equalTo(resourceServer.id()))
                .body("scope", equalTo("openid profile email"))
                .body("iss", equalTo(issuer))
                .body("aud", equalTo("api"))
                .body("exp", equalTo(claims.get("exp")))
                .body("iat", equalTo(claims.get("iat")))
                .body("sid", equalTo(claims.get("sid")));
    }

    @Test
    void anAccessTokenEndsWithItsSession() {
        Api.Tokens revoked = tokens(resourceServer, Api.newUser("introspect-revoked"));
        active(revoked.accessToken());
        given().header("Authorization", basic(resourceServer.id(), resourceServer.secret()))
                .contentType(ContentType.URLENC)
                .formParam("token", revoked.refreshToken())
                .post("/oauth2/revoke")
                .then()
                .statusCode(200);
        inactive(revoked.accessToken());
        // A local JWT check cannot know (the service's own /users/me asks the database, as
        // introspection does).

        String user = Api.newUser("introspect-password");
        Api.Tokens before = tokens(resourceServer, user);
        active(before.accessToken());
        given().header("Authorization", "Bearer " + before.accessToken())
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "current_password",
                                Api.PASSWORD,
                                "new_password",
                                "another correct horse battery"))
                .post("/users/me/password")
                .then()
                .statusCode(204);
        inactive(before.accessToken());

        Api.Tokens disabled = tokens(resourceServer, Api.newUser("introspect-disabled"));
        String id = (String) Api.claims(disabled.accessToken()).get("sub");
        active(disabled.accessToken());
        ClientsApi.admin().post("/admin/users/" + id + "/disable").then().statusCode(200);
        inactive(disabled.accessToken());
    }

    @Test
    void aRefreshTokenIsActiveWhileUsable() {
        String user = Api.newUser("introspect-rt");
        Api.Tokens tokens = tokens(resourceServer, user);
        introspect(resourceServer, tokens.refreshToken())
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("token_type", equalTo("refresh_token"))
                .body("username", equalTo(user))
                .body("client_id", equalTo(resourceServer.id()))
                .body("exp", notNullValue())
                .body("iat", notNullValue())
                .body("iss", equalTo(issuer));
        given().header("Authorization", basic(resourceServer.id(), resourceServer.secret()))
                .contentType(ContentType.URLENC)
                .formParams(
                        Map.of(
                                "grant_type",
                                "refresh_token",
                                "refresh_token",
                                tokens.refreshToken()))
                .post("/oauth2/token")
                .then()
                .statusCode(200);
        inactive(tokens.refreshToken());
    }

    @Test
    void aClientsTokenEndsWithTheClient() {
        Registered machine = ClientsApi.machine(Map.of("audience", List.of(resourceServer.id())));
        String token = ClientsApi.clientCredentials(machine, Map.of()).path("access_token");
        introspect(resourceServer, token)
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("sub", equalTo(machine.id()))
                .body("client_id", equalTo(machine.id()))
                .body("aud", equalTo(resourceServer.id()));
        ClientsApi.admin().delete("/admin/clients/" + machine.id()).then().statusCode(204);
        inactive(token);
    }

    @Test
    void forgedExpiredAndUnknownTokensAreInactive() {
        String token = tokens(resourceServer, Api.newUser("introspect-forged")).accessToken();
        String[] parts = token.split("\\.");
        String payload =
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"scope\":\"", "\"scope\":\"admin ");
        inactive(
                parts[0]
                        + "."
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                        + "."
                        + parts[2]);
        inactive(parts[0] + "." + parts[1] + ".");
        inactive("eyJhbGciOiJub25lIn0." + parts[1] + ".");
        inactive("no-such-token");
        inactive("a.b.c");
        inactive("x".repeat(9000));
    }

    /**
     * Issue 16: any confidential client could read any token, another client's users' sessions and
     * the administrator's refresh token included. Now a client learns only about tokens meant for
     * it.
     */
    @Test
    void aClientLearnsOnlyAboutTokensMeantForIt() {
        String user = Api.newUser("introspect-other");
        Api.Tokens webTokens = Api.tokens(user); // client web, audience api: meant for neither
        inactive(webTokens.accessToken());
        inactive(webTokens.refreshToken());
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        String adminRefresh =
                Api.login(
                                config.getValue("auth.bootstrap-admin.username", String.class),
                                config.getValue("auth.bootstrap-admin.password", String.class))
                        .path("refresh_token");
        inactive(adminRefresh);
        Registered other =
                ClientsApi.machine(
                        Map.of(
                                "introspection_allowed",
                                true,
                                "grant_types",
                                List.of("client_credentials", "password", "refresh_token")));
        Api.Tokens othersTokens = tokens(other, user);
        inactive(othersTokens.accessToken());
        inactive(othersTokens.refreshToken());
        introspect(other, othersTokens.refreshToken())
                .then()
                .statusCode(200)
                .body("active", equalTo(true));

        // A public client whose tokens name the resource server as their audience: its access
        // tokens, not its refresh tokens.
        Registered spa =
                ClientsApi.registered(
                        Map.of(
                                "client_name",
                                Api.uniqueName("spa"),
                                "grant_types",
                                List.of("password", "refresh_token"),
                                "token_endpoint_auth_method",
                                "none",
                                "audience",
                                List.of(resourceServer.id())));
        Response spaLogin = Api.loginThrough(spa.id(), user);
        spaLogin.then().statusCode(200);
        active(spaLogin.path("access_token"));
        inactive(spaLogin.path("refresh_token"));
    }

    @Test
    void aClientNotRegisteredForIntrospectionIsRefused() {
        Registered notAllowed = ClientsApi.machine(Map.of());
        ClientsApi.admin()
                .get("/admin/clients/" + notAllowed.id())
                .then()
                .statusCode(200)
                .body("introspection_allowed", equalTo(false));
        ClientsApi.admin()
                .get("/admin/clients/" + resourceServer.id())
                .then()
                .statusCode(200)
                .body("introspection_allowed", equalTo(true));
        String token = ClientsApi.clientCredentials(notAllowed, Map.of()).path("access_token");
        introspect(notAllowed, token)
                .then()
                .statusCode(403)
                .body("error", equalTo("unauthorized_client"));
        ClientsApi.register(
                        Map.of(
                                "client_name",
                                "public",
                                "grant_types",
                                List.of("password"),
                                "token_endpoint_auth_method",
                                "none",
                                "introspection_allowed",
                                true))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
    }

    @Test
    void onlyAuthenticatedConfidentialClientsMayIntrospect() {
        String token = Api.tokens(Api.newUser("introspect-who")).accessToken();
        given().contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/oauth2/introspect")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().contentType(ContentType.URLENC)
                .formParams(Map.of("token", token, "client_id", "web"))
                .post("/oauth2/introspect")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().header("Authorization", basic(resourceServer.id(), "wrong"))
                .contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/oauth2/introspect")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().header("Authorization", basic(resourceServer.id(), resourceServer.secret()))
                .contentType(ContentType.URLENC)
                .post("/oauth2/introspect")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void theMetadataNameTheEndpointsAndMethods() {
        Response metadata = given().get("/.well-known/openid-configuration");
        metadata.then()
                .statusCode(200)
                .body("introspection_endpoint", equalTo(issuer + "/oauth2/introspect"))
                .body("userinfo_endpoint", equalTo(issuer + "/oauth2/userinfo"))
                .body("grant_types_supported", hasItem("client_credentials"))
                .body(
                        "token_endpoint_auth_methods_supported",
                        equalTo(
                                List.of(
                                        "client_secret_basic",
                                        "client_secret_post",
                                        "private_key_jwt",
                                        "none")))
                .body(
                        "introspection_endpoint_auth_methods_supported",
                        equalTo(
                                List.of(
                                        "client_secret_basic",
                                        "client_secret_post",
                                        "private_key_jwt")))
                .body("token_endpoint_auth_signing_alg_values_supported", hasItem("RS256"))
                .body("claims_supported", hasItem("sid"));
    }
}
