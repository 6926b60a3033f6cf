package io.authservice.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document: {@code redocly lint} (npm @redocly/cli; .ci/run installs it and sets
 * REDOCLY) finds no error, and every status the document gives an operation is what a real request
 * gets (or is listed below as not exercised here, with the test that does).
 */
@QuarkusTest
class OpenApiTest {

    private static final String MANAGEMENT =
            "http://localhost:"
                    + ConfigProvider.getConfig()
                            .getValue("quarkus.management.test-port", Integer.class);
    private static final String ADMIN_USERS = "/admin/users/";

    /** Documented answers that this test does not provoke, and why. */
    private static final Map<String, String> NOT_EXERCISED =
            Map.of(
                    "POST /users 403", "needs auth.registration.enabled=false: RegistrationTest",
                    "POST /admin/keys/rotate 200",
                            "changes the keys of the other tests: KeyAdminTest",
                    "POST /admin/keys/rotate 409", "needs auth.keys.source=files: KeySourcesIT",
                    "POST /admin/keys/{kid}/withdraw 200",
                            "changes the keys of the other tests: KeyAdminTest",
                    "POST /admin/keys/{kid}/withdraw 409",
                            "changes the keys of the other tests: KeyAdminTest",
                    "POST /oauth2/introspect 503", "needs the database cut: DatabaseFaultsIT",
                    "POST /users 429", "rate limits are off in the test profile: RateLimitTest",
                    "POST /users/me/password 429",
                            "rate limits are off in the test profile: RateLimitPathTest",
                    "POST /oauth2/revoke 429",
                            "rate limits are off in the test profile: RateLimitPathTest",
                    "POST /oauth2/introspect 429",
                            "rate limits are off in the test profile: RateLimitPathTest");

    /** Every operation's 408 needs auth.http.request-timeout to pass: ConnectionGuardTest. */
    private static final String TIMEOUT = "408";

    /** The public POSTs that are rate limited (docs/API.md, "Limits on every path"). */
    private static final List<String> LIMITED =
            List.of(
                    "/oauth2/token",
                    "/users",
                    "/users/me/password",
                    "/oauth2/revoke",
                    "/oauth2/introspect");

    @Test
    void redoclyFindsNoError() throws Exception {
        String redocly = MetricsFormatTest.Tools.find("redocly", "REDOCLY");
        String document =
                given().baseUri(MANAGEMENT)
                        .get("/q/openapi")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        Path file = Files.createDirectories(Path.of("target/openapi")).resolve("openapi.yaml");
        Files.writeString(file, document);
        ProcessBuilder lint =
                new ProcessBuilder(redocly, "lint", "--format=stylish", file.toString())
                        .redirectErrorStream(true);
        lint.environment().put("REDOCLY_TELEMETRY", "off");
        lint.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process process = lint.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "redocly lint:\n" + out);
        assertTrue(out.lines().noneMatch(line -> line.matches("\\s*\\d+:\\d+\\s+error\\b.*")), out);
    }

    @Test
    void theDocumentDescribesTheService() throws Exception {
        JsonNode openapi =
                new ObjectMapper()
                        .readTree(
                                given().baseUri(MANAGEMENT)
                                        .get("/q/openapi?format=json")
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .asString());
        assertEquals(
                ConfigProvider.getConfig().getValue("auth.issuer", String.class),
                openapi.at("/servers/0/url").asText());
        Set<String> operationIds = new TreeSet<>();
        openapi.get("paths")
                .fields()
                .forEachRemaining(
                        path ->
                                path.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                op -> {
                                                    assertTrue(
                                                            op.getValue().hasNonNull("operationId"),
                                                            op.getKey()
                                                                    + " "
                                                                    + path.getKey()
                                                                    + ": operationId");
                                                    assertTrue(
                                                            operationIds.add(
                                                                    op.getValue()
                                                                            .get("operationId")
                                                                            .asText()),
                                                            "operationId twice: "
                                                                    + op.getValue()
                                                                            .get("operationId"));
                                                    assertTrue(
                                                            op.getValue().has("security"),
                                                            op.getKey()
                                                                    + " "
                                                                    + path.getKey()
                                                                    + ": security");
                                                }));
        for (String publicPath :
                List.of("/oauth2/token", "/oauth2/revoke", "/users", "/.well-known/jwks.json")) {
            JsonNode operation = openapi.get("paths").get(publicPath).elements().next();
            assertEquals(0, operation.get("security").size(), publicPath + ": security: []");
        }
        assertTrue(
                openapi.at("/paths/~1users~1me/get/security/0").has("SecurityScheme"),
                "/users/me needs a bearer token");
        assertTrue(
                openapi.at("/paths/~1oauth2~1revoke/post/requestBody/content")
                        .has("application/x-www-form-urlencoded"));
        assertTrue(
                openapi.at("/components/schemas/NewUser/properties/username/pattern")
                        .asText()
                        .matches("\\^.*\\$"),
                "anchored username pattern");
        assertTrue(
                openapi.at("/paths/~1users~1me/get/responses/401/content/application~1json")
                        .has("schema"),
                "401 body");
        assertEquals(
                "#/components/schemas/Jwks",
                openapi.at(
                                "/paths/~1.well-known~1jwks.json/get/responses/200/content/application~1json/schema/$ref")
                        .asText());

        // The answers of the limits in front of every resource (issue 16).
        openapi.get("paths")
                .fields()
                .forEachRemaining(
                        path ->
                                path.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                op -> {
                                                    JsonNode responses =
                                                            op.getValue().get("responses");
                                                    String operation =
                                                            op.getKey().toUpperCase()
                                                                    + " "
                                                                    + path.getKey();
                                                    assertTrue(
                                                            responses
                                                                    .path("400")
                                                                    .path("description")
                                                                    .asText()
                                                                    .contains("matrix parameters"),
                                                            operation
                                                                    + ": 400 for matrix parameters");
                                                    assertTrue(
                                                            responses
                                                                    .path("408")
                                                                    .path("description")
                                                                    .asText()
                                                                    .contains("request_timeout"),
                                                            operation + ": 408");
                                                    assertEquals(
                                                            LIMITED.contains(path.getKey())
                                                                    && op.getKey().equals("post"),
                                                            responses.has("429"),
                                                            operation + ": 429");
                                                    if (responses.has("429")) {
                                                        assertTrue(
                                                                responses
                                                                        .at(
                                                                                "/429/headers/Retry-After/required")
                                                                        .asBoolean(),
                                                                operation
                                                                        + ": 429 with Retry-After");
                                                        assertTrue(
                                                                responses
                                                                        .at(
                                                                                "/429/content/application~1json")
                                                                        .has("schema"),
                                                                operation + ": 429 body");
                                                    }
                                                }));
        assertTrue(
                openapi.at("/paths/~1oauth2~1introspect/post/responses/403/description")
                        .asText()
                        .startsWith("unauthorized_client"));
        assertTrue(
                openapi.at("/paths/~1admin~1users~1{id}~1login-limit").has("delete"),
                "DELETE /admin/users/{id}/login-limit");
        assertTrue(
                openapi.at("/paths/~1admin~1clients~1{clientId}~1secret~1previous").has("delete"),
                "DELETE /admin/clients/{clientId}/secret/previous");
        String userView =
                openapi.at(
                                "/paths/~1admin~1users~1{id}/get/responses/200/content/application~1json/schema/$ref")
                        .asText();
        assertTrue(
                openapi.at(
                                "/components/schemas/"
                                        + userView.substring(userView.lastIndexOf('/') + 1)
                                        + "/properties")
                        .has("login_limit"),
                "the user resource has login_limit: " + userView);
    }

    @Test
    void everyDocumentedStatusIsARealAnswer() throws Exception {
        JsonNode openapi =
                new ObjectMapper()
                        .readTree(
                                given().baseUri(MANAGEMENT)
                                        .get("/q/openapi?format=json")
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .asString());
        Map<String, Supplier<Integer>> answers = answers();
        Set<String> unchecked = new TreeSet<>();
        openapi.get("paths")
                .fields()
                .forEachRemaining(
                        path ->
                                path.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                op ->
                                                        op.getValue()
                                                                .get("responses")
                                                                .fieldNames()
                                                                .forEachRemaining(
                                                                        status -> {
                                                                            String documented =
                                                                                    op.getKey()
                                                                                                    .toUpperCase()
                                                                                            + " "
                                                                                            + path
                                                                                                    .getKey()
                                                                                            + " "
                                                                                            + status;
                                                                            if (NOT_EXERCISED
                                                                                            .containsKey(
                                                                                                    documented)
                                                                                    || status
                                                                                            .equals(
                                                                                                    TIMEOUT)) {
                                                                                return;
                                                                            }
                                                                            Supplier<Integer>
                                                                                    answer =
                                                                                            answers
                                                                                                    .getOrDefault(
                                                                                                            documented,
                                                                                                            status
                                                                                                                            .equals(
                                                                                                                                    "400")
                                                                                                                    ? () ->
                                                                                                                            status(
                                                                                                                                    given(),
                                                                                                                                    op.getKey()
                                                                                                                                            .toUpperCase(),
                                                                                                                                    filled(
                                                                                                                                                    path
                                                                                                                                                            .getKey())
                                                                                                                                            + ";matrix=1")
                                                                                                                    : null);
                                                                            if (answer == null) {
                                                                                unchecked.add(
                                                                                        documented);
                                                                            } else {
                                                                                assertEquals(
                                                                                        Integer
                                                                                                .parseInt(
                                                                                                        status),
                                                                                        answer
                                                                                                .get(),
                                                                                        documented);
                                                                            }
                                                                        })));
        assertTrue(
                unchecked.isEmpty(),
                "documented but neither checked nor listed as not exercised:\n"
                        + String.join("\n", unchecked));
    }

    /** One real request for each documented answer. */
    private static Map<String, Supplier<Integer>> answers() {
        String admin = Api.adminToken();
        String username = Api.newUser("openapi");
        Api.Tokens user = Api.tokens(username);
        String userId = Api.me(user.accessToken()).then().extract().path("id");
        String nobody = UUID.randomUUID().toString();
        String adminId = given().auth().oauth2(admin).get("/users/me").then().extract().path("id");
        String etag = given().get("/.well-known/jwks.json").then().extract().header("ETag");
        String kid = given().get("/.well-known/jwks.json").then().extract().path("keys[0].kid");
        Map<String, Supplier<Integer>> a = new LinkedHashMap<>();
        a.put(
                "GET /.well-known/jwks.json 200",
                () -> status(given(), "GET", "/.well-known/jwks.json"));
        a.put(
                "GET /.well-known/jwks.json 304",
                () ->
                        status(
                                given().header("If-None-Match", etag),
                                "GET",
                                "/.well-known/jwks.json"));
        a.put(
                "GET /.well-known/openid-configuration 200",
                () -> status(given(), "GET", "/.well-known/openid-configuration"));
        a.put(
                "GET /.well-known/oauth-authorization-server 200",
                () -> status(given(), "GET", "/.well-known/oauth-authorization-server"));

        a.put(
                "POST /users 201",
                () -> Api.register(Api.uniqueName("openapi"), Api.PASSWORD).statusCode());
        a.put("POST /users 400", () -> Api.register("no spaces allowed", "short").statusCode());
        a.put("POST /users 409", () -> Api.register(username, Api.PASSWORD).statusCode());
        a.put("GET /users/me 200", () -> status(bearer(user.accessToken()), "GET", "/users/me"));
        a.put("GET /users/me 401", () -> status(given(), "GET", "/users/me"));
        a.put(
                "POST /users/me/password 204",
                () -> {
                    String changer = Api.newUser("openapi");
                    return status(
                            bearer(Api.tokens(changer).accessToken())
                                    .contentType(ContentType.JSON)
                                    .body(
                                            Map.of(
                                                    "current_password",
                                                    Api.PASSWORD,
                                                    "new_password",
                                                    "another-long-passphrase")),
                            "POST",
                            "/users/me/password");
                });
        a.put(
                "POST /users/me/password 400",
                () ->
                        status(
                                bearer(user.accessToken())
                                        .contentType(ContentType.JSON)
                                        .body(
                                                Map.of(
                                                        "current_password",
                                                        "wrong-password-here",
                                                        "new_password",
                                                        "another-long-passphrase")),
                                "POST",
                                "/users/me/password"));
        a.put(
                "POST /users/me/password 401",
                () ->
                        status(
                                given().contentType(ContentType.JSON)
                                        .body(
                                                Map.of(
                                                        "current_password",
                                                        Api.PASSWORD,
                                                        "new_password",
                                                        "another-long-passphrase")),
                                "POST",
                                "/users/me/password"));

        a.put("POST /oauth2/token 200", () -> Api.login(username, Api.PASSWORD).statusCode());
        a.put("POST /oauth2/token 400", () -> Api.login(username, "wrong").statusCode());
        a.put(
                "POST /oauth2/token 401",
                () ->
                        status(
                                given().contentType(ContentType.URLENC)
                                        .formParam("grant_type", "password")
                                        .formParam("username", username)
                                        .formParam("password", Api.PASSWORD)
                                        .formParam("client_id", "no-such-client"),
                                "POST",
                                "/oauth2/token"));
        a.put(
                "POST /oauth2/token 429",
                () -> {
                    String victim = Api.newUser("openapi");
                    int last = 0;
                    for (int i = 0; i < 10 && last != 429; i++) {
                        last = Api.login(victim, "wrong").statusCode();
                    }
                    return last;
                });
        String cookieClient =
                io.authservice.clients.ClientsApi.registered(
                                Map.of(
                                        "client_name",
                                        "openapi-spa",
                                        "token_endpoint_auth_method",
                                        "none",
                                        "grant_types",
                                        List.of("password", "refresh_token"),
                                        "refresh_token_mode",
                                        "cookie",
                                        "allowed_cors_origins",
                                        List.of("https://spa.example")))
                        .id();
        a.put(
                "POST /oauth2/token 403",
                () ->
                        status(
                                given().contentType(ContentType.URLENC)
                                        .formParam("grant_type", "refresh_token")
                                        .formParam("client_id", cookieClient)
                                        .header("Origin", "https://evil.example"),
                                "POST",
                                "/oauth2/token"));
        a.put(
                "POST /oauth2/revoke 403",
                () ->
                        status(
                                given().contentType(ContentType.URLENC)
                                        .formParam("client_id", cookieClient),
                                "POST",
                                "/oauth2/revoke"));
        a.put(
                "POST /oauth2/revoke 200",
                () ->
                        status(
                                given().contentType(ContentType.URLENC)
                                        .formParam("token", "unknown"),
                                "POST",
                                "/oauth2/revoke"));
        a.put(
                "POST /oauth2/revoke 400",
                () ->
                        status(
                                given().contentType(ContentType.URLENC).formParam("other", "x"),
                                "POST",
                                "/oauth2/revoke"));

        a.put("GET /admin/keys 200", () -> status(bearer(admin), "GET", "/admin/keys"));
        a.put(
                "POST /admin/keys/{kid}/withdraw 404",
                () -> status(bearer(admin), "POST", "/admin/keys/no-such-kid/withdraw"));
        a.put("GET /admin/users 200", () -> status(bearer(admin), "GET", "/admin/users"));
        a.put(
                "GET /admin/users 400",
                () -> status(bearer(admin).queryParam("size", 1000), "GET", "/admin/users"));
        a.put(
                "GET /admin/users/{id} 200",
                () -> status(bearer(admin), "GET", ADMIN_USERS + userId));
        a.put(
                "GET /admin/users/{id} 404",
                () -> status(bearer(admin), "GET", ADMIN_USERS + nobody));
        a.put(
                "DELETE /admin/users/{id} 204",
                () -> status(bearer(admin), "DELETE", ADMIN_USERS + idOf(Api.newUser("openapi"))));
        a.put(
                "DELETE /admin/users/{id} 404",
                () -> status(bearer(admin), "DELETE", ADMIN_USERS + nobody));
        a.put(
                "DELETE /admin/users/{id} 409",
                () -> status(bearer(admin), "DELETE", ADMIN_USERS + adminId));
        for (String action : List.of("disable", "enable", "revoke-sessions")) {
            a.put(
                    "POST /admin/users/{id}/" + action + " 200",
                    () ->
                            status(
                                    bearer(admin),
                                    "POST",
                                    ADMIN_USERS + idOf(Api.newUser("openapi")) + "/" + action));
            a.put(
                    "POST /admin/users/{id}/" + action + " 404",
                    () -> status(bearer(admin), "POST", ADMIN_USERS + nobody + "/" + action));
        }
        a.put(
                "DELETE /admin/users/{id}/login-limit 204",
                () -> status(bearer(admin), "DELETE", ADMIN_USERS + userId + "/login-limit"));
        a.put(
                "DELETE /admin/users/{id}/login-limit 404",
                () -> status(bearer(admin), "DELETE", ADMIN_USERS + nobody + "/login-limit"));
        a.put(
                "POST /admin/users/{id}/disable 409",
                () -> status(bearer(admin), "POST", ADMIN_USERS + adminId + "/disable"));
        a.put(
                "PUT /admin/users/{id}/roles 200",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("user"))),
                                "PUT",
                                ADMIN_USERS + idOf(Api.newUser("openapi")) + "/roles"));
        a.put(
                "PUT /admin/users/{id}/roles 400",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("Not A Role"))),
                                "PUT",
                                ADMIN_USERS + userId + "/roles"));
        a.put(
                "PUT /admin/users/{id}/roles 404",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("user"))),
                                "PUT",
                                ADMIN_USERS + nobody + "/roles"));
        a.put(
                "PUT /admin/users/{id}/roles 409",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("user"))),
                                "PUT",
                                ADMIN_USERS + adminId + "/roles"));
        Map<String, Object> machine =
                Map.of(
                        "client_name",
                        "openapi",
                        "grant_types",
                        List.of("client_credentials"),
                        "introspection_allowed",
                        true);
        io.authservice.clients.ClientsApi.Registered client =
                io.authservice.clients.ClientsApi.registered(machine);
        String clientPath = "/admin/clients/" + client.id();
        a.put(
                "POST /admin/clients 201",
                () ->
                        status(
                                bearer(admin).contentType(ContentType.JSON).body(machine),
                                "POST",
                                "/admin/clients"));
        a.put(
                "POST /admin/clients 400",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(Map.of("client_name", "x")),
                                "POST",
                                "/admin/clients"));
        a.put(
                "POST /admin/clients 409",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(
                                                Map.of(
                                                        "client_id",
                                                        client.id(),
                                                        "client_name",
                                                        "x",
                                                        "grant_types",
                                                        List.of("client_credentials"))),
                                "POST",
                                "/admin/clients"));
        a.put("GET /admin/clients 200", () -> status(bearer(admin), "GET", "/admin/clients"));
        a.put("GET /admin/clients/{clientId} 200", () -> status(bearer(admin), "GET", clientPath));
        a.put(
                "GET /admin/clients/{clientId} 404",
                () -> status(bearer(admin), "GET", "/admin/clients/no-such-client"));
        a.put(
                "PUT /admin/clients/{clientId} 200",
                () ->
                        status(
                                bearer(admin).contentType(ContentType.JSON).body(machine),
                                "PUT",
                                clientPath));
        a.put(
                "PUT /admin/clients/{clientId} 400",
                () ->
                        status(
                                bearer(admin)
                                        .contentType(ContentType.JSON)
                                        .body(Map.of("client_name", "x")),
                                "PUT",
                                clientPath));
        a.put(
                "PUT /admin/clients/{clientId} 404",
                () ->
                        status(
                                bearer(admin).contentType(ContentType.JSON).body(machine),
                                "PUT",
                                "/admin/clients/no-such-client"));
        a.put(
                "POST /admin/clients/{clientId}/secret 200",
                () -> status(bearer(admin), "POST", clientPath + "/secret"));
        a.put(
                "POST /admin/clients/{clientId}/secret 400",
                () ->
                        status(
                                bearer(admin),
                                "POST",
                                "/admin/clients/"
                                        + io.authservice.clients.ClientsApi.spa().id()
                                        + "/secret"));
        a.put(
                "POST /admin/clients/{clientId}/secret 404",
                () -> status(bearer(admin), "POST", "/admin/clients/no-such-client/secret"));
        a.put(
                "DELETE /admin/clients/{clientId} 204",
                () ->
                        status(
                                bearer(admin),
                                "DELETE",
                                "/admin/clients/"
                                        + io.authservice.clients.ClientsApi.registered(machine)
                                                .id()));
        a.put(
                "DELETE /admin/clients/{clientId} 404",
                () -> status(bearer(admin), "DELETE", "/admin/clients/no-such-client"));
        a.put(
                "POST /oauth2/introspect 200",
                () ->
                        io.authservice.clients.ClientsApi.introspect(client, user.accessToken())
                                .statusCode());
        a.put(
                "POST /oauth2/introspect 400",
                () ->
                        status(
                                given().header(
                                                "Authorization",
                                                io.authservice.clients.ClientsApi.basic(
                                                        client.id(), "unused"))
                                        .contentType(ContentType.URLENC)
                                        .formParam("token", "a")
                                        .formParam("client_id", "web")
                                        .formParam("client_secret", "b"),
                                "POST",
                                "/oauth2/introspect"));
        a.put(
                "POST /oauth2/introspect 403",
                () ->
                        io.authservice.clients.ClientsApi.introspect(
                                        io.authservice.clients.ClientsApi.machine(Map.of()),
                                        user.accessToken())
                                .statusCode());
        a.put(
                "DELETE /admin/clients/{clientId}/secret/previous 204",
                () ->
                        status(
                                bearer(admin),
                                "DELETE",
                                "/admin/clients/"
                                        + io.authservice.clients.ClientsApi.registered(machine).id()
                                        + "/secret/previous"));
        a.put(
                "DELETE /admin/clients/{clientId}/secret/previous 404",
                () ->
                        status(
                                bearer(admin),
                                "DELETE",
                                "/admin/clients/no-such-client/secret/previous"));
        a.put(
                "POST /oauth2/introspect 401",
                () ->
                        status(
                                given().contentType(ContentType.URLENC).formParam("token", "a"),
                                "POST",
                                "/oauth2/introspect"));
        a.put(
                "POST /oauth2/revoke 401",
                () ->
                        status(
                                given().contentType(ContentType.URLENC)
                                        .formParam("token", "a")
                                        .formParam("client_id", "no-such-client"),
                                "POST",
                                "/oauth2/revoke"));
        a.put(
                "GET /oauth2/userinfo 200",
                () -> status(bearer(user.accessToken()), "GET", "/oauth2/userinfo"));
        a.put("GET /oauth2/userinfo 401", () -> status(given(), "GET", "/oauth2/userinfo"));
        a.put(
                "GET /oauth2/userinfo 403",
                () ->
                        status(
                                bearer(
                                        Api.login(username, Api.PASSWORD, "profile")
                                                .path("access_token")),
                                "GET",
                                "/oauth2/userinfo"));
        a.put(
                "POST /oauth2/userinfo 200",
                () -> status(bearer(user.accessToken()), "POST", "/oauth2/userinfo"));
        a.put("POST /oauth2/userinfo 401", () -> status(given(), "POST", "/oauth2/userinfo"));
        a.put(
                "POST /oauth2/userinfo 403",
                () ->
                        status(
                                bearer(
                                        Api.login(username, Api.PASSWORD, "profile")
                                                .path("access_token")),
                                "POST",
                                "/oauth2/userinfo"));
        // Every admin operation: 401 without a token, 403 with a user's token.
        for (String operation :
                List.of(
                        "GET /admin/keys",
                        "POST /admin/keys/rotate",
                        "POST /admin/keys/{kid}/withdraw",
                        "GET /admin/users",
                        "GET /admin/users/{id}",
                        "DELETE /admin/users/{id}",
                        "POST /admin/users/{id}/disable",
                        "POST /admin/users/{id}/enable",
                        "POST /admin/users/{id}/revoke-sessions",
                        "DELETE /admin/users/{id}/login-limit",
                        "PUT /admin/users/{id}/roles",
                        "POST /admin/clients",
                        "GET /admin/clients",
                        "GET /admin/clients/{clientId}",
                        "PUT /admin/clients/{clientId}",
                        "DELETE /admin/clients/{clientId}",
                        "POST /admin/clients/{clientId}/secret",
                        "DELETE /admin/clients/{clientId}/secret/previous")) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path =
                    operation
                            .substring(operation.indexOf(' ') + 1)
                            .replace("{id}", nobody)
                            .replace("{kid}", kid)
                            .replace("{clientId}", client.id());
            RequestSpecification body =
                    !operation.contains("clients") && method.equals("PUT")
                            ? given().contentType(ContentType.JSON)
                                    .body(Map.of("roles", List.of("user")))
                            : operation.equals("POST /admin/clients") || method.equals("PUT")
                                    ? given().contentType(ContentType.JSON).body(machine)
                                    : given();
            a.put(operation + " 401", () -> status(body, method, path));
            a.put(
                    operation + " 403",
                    () -> status(body.auth().oauth2(user.accessToken()), method, path));
        }
        return a;
    }

    /**
     * A path of the document with its parameters filled in (any value: the matrix parameter is
     * refused first).
     */
    private static String filled(String template) {
        return template.replaceAll("\\{[^}]+}", "x");
    }

    private static String idOf(String username) {
        return Api.me(Api.tokens(username).accessToken()).then().extract().path("id");
    }

    private static RequestSpecification bearer(String token) {
        return given().auth().oauth2(token);
    }

    private static int status(RequestSpecification request, String method, String path) {
        return request.request(method, path).statusCode();
    }
}
