package io.authservice.account;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MeTest {

    @Test
    void showsTheCallersProfile() {
        String username = Api.newUser("me");
        Api.me(Api.tokens(username).accessToken())
                .then()
                .statusCode(200)
                .body("username", equalTo(username))
                .body("id", notNullValue())
                .body("roles", containsInAnyOrder("user"))
                .body("created_at", notNullValue())
                .body("$", not(hasKey("password_hash")));
    }

    @Test
    void needsABearerToken() {
        given().get("/users/me")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"))
                .body("error", equalTo("unauthorized"));
    }

    /**
     * Issue 16: /users/me answered 200 after logout and for a disabled user, where userinfo answers
     * 401.
     */
    @Test
    void aTokenWhoseSessionEndedOrWhoseUserIsDisabledIsRefused() {
        Tokens loggedOut = Api.tokens(Api.newUser("me-logout"));
        Api.me(loggedOut.accessToken()).then().statusCode(200);
        given().contentType(ContentType.URLENC)
                .formParam("token", loggedOut.refreshToken())
                .post("/oauth2/revoke")
                .then()
                .statusCode(200);
        Api.me(loggedOut.accessToken())
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));

        Tokens disabled = Api.tokens(Api.newUser("me-disabled"));
        String id = Api.me(disabled.accessToken()).then().statusCode(200).extract().path("id");
        given().header("Authorization", "Bearer " + Api.adminToken())
                .post("/admin/users/" + id + "/disable")
                .then()
                .statusCode(200);
        Api.me(disabled.accessToken()).then().statusCode(401);
    }

    @Test
    void changingThePasswordEndsEverySession() {
        String username = Api.newUser("pw");
        Tokens first = Api.tokens(username);
        Tokens second = Api.tokens(username);
        String newPassword = "a-new-long-password";

        change(first.accessToken(), Api.PASSWORD, newPassword).then().statusCode(204);

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.refresh(second.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.login(username, Api.PASSWORD)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.login(username, newPassword).then().statusCode(200);
    }

    @Test
    void aWrongCurrentPasswordChangesNothing() {
        String username = Api.newUser("pwbad");
        Tokens tokens = Api.tokens(username);
        change(tokens.accessToken(), "not-the-password", "another-long-password")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.refresh(tokens.refreshToken()).then().statusCode(200);
        Api.login(username, Api.PASSWORD).then().statusCode(200);
    }

    @Test
    void theNewPasswordFollowsThePolicy() {
        String username = Api.newUser("pwpolicy");
        change(Api.tokens(username).accessToken(), Api.PASSWORD, "short")
                .then()
                .statusCode(400)
                .body("violations.field", hasItem("new_password"));
        given().header("Authorization", "Bearer " + Api.tokens(username).accessToken())
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/users/me/password")
                .then()
                .statusCode(400)
                .body("violations.field", containsInAnyOrder("current_password", "new_password"));
    }

    private static io.restassured.response.Response change(
            String accessToken, String current, String next) {
        return given().header("Authorization", "Bearer " + accessToken)
                .contentType(ContentType.JSON)
                .body(Map.of("current_password", current, "new_password", next))
                .post("/users/me/password");
    }
}
