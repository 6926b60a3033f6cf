package io.authservice.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health, metrics and OpenAPI on the management port (9001 in tests), not on the API port. */
@QuarkusTest
class OperationsTest {

    private static final String MANAGEMENT =
            "http://localhost:"
                    + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                            .getValue("quarkus.management.test-port", Integer.class);

    @Test
    void healthOnTheManagementPort() {
        given().baseUri(MANAGEMENT)
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"));
        given().baseUri(MANAGEMENT)
                .get("/q/health/started")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"));
        given().baseUri(MANAGEMENT)
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("signing-keys"))
                .body(
                        "checks.name",
                        not(hasItem("database"))); // README, "Readiness and the database"
        given().baseUri(MANAGEMENT)
                .get("/q/health/group/database")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", contains("database"));
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void theServicesOwnMetrics() {
        String username = Api.newUser("metrics");
        Tokens tokens = Api.tokens(username);
        Api.login(username, "wrong").then().statusCode(400);
        String next =
                Api.refresh(tokens.refreshToken())
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("refresh_token");
        Api.refresh(tokens.refreshToken()).then().statusCode(200); // a retry: the same successor
        Api.refresh(next).then().statusCode(200);
        Api.refresh(tokens.refreshToken()).then().statusCode(400); // reuse: the successor was used
        given().contentType(ContentType.URLENC)
                .formParam("token", next)
                .post("/oauth2/revoke")
                .then()
                .statusCode(200);

        String metrics =
                given().baseUri(MANAGEMENT)
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        for (String metric :
                List.of(
                        "auth_logins_total{outcome=\"success\"}",
                        "auth_logins_total{outcome=\"failure\"}",
                        "auth_refreshes_total{outcome=\"success\"}",
                        "auth_refreshes_total{outcome=\"failure\"}",
                        "auth_refreshes_total{outcome=\"retry\"}",
                        "auth_refresh_reuse_total",
                        "auth_password_hash_seconds_count",
                        "auth_token_issuance_seconds_count")) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    metrics.contains(metric), metric + " missing");
        }
    }

    @Test
    void openApiDescribesEveryEndpoint() {
        String openapi =
                given().baseUri(MANAGEMENT)
                        .get("/q/openapi")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        for (String path :
                List.of(
                        "/users:",
                        "/users/me:",
                        "/users/me/password:",
                        "/oauth2/token:",
                        "/oauth2/revoke:",
                        "/.well-known/jwks.json:",
                        "/.well-known/openid-configuration:",
                        "/.well-known/oauth-authorization-server:",
                        "/admin/keys:",
                        "/admin/keys/rotate:",
                        "/admin/users:",
                        "/admin/users/{id}:")) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    openapi.contains(path), path + " missing from OpenAPI");
        }
        given().baseUri(MANAGEMENT)
                .get("/q/openapi")
                .then()
                .body(containsString("openapi"))
                .body(containsString("grant_type"))
                .body(containsString("refresh_expires_in"));
    }
}
