package io.authservice.clients;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenID Connect Core §5.3 UserInfo. */
@QuarkusTest
class UserInfoTest {

    @Test
    void getAndPostAnswerTheUsersClaims() {
        String user = Api.uniqueName("userinfo");
        given().contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "username",
                                user,
                                "password",
                                Api.PASSWORD,
                                "email",
                                user + "@example.com"))
                .post("/users")
                .then()
                .statusCode(201);
        Api.Tokens tokens = Api.tokens(user);
        String sub = Api.me(tokens.accessToken()).path("id");
        given().header("Authorization", "Bearer " + tokens.accessToken())
                .get("/oauth2/userinfo")
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("sub", equalTo(sub))
                .body("preferred_username", equalTo(user))
                .body("email", equalTo(user + "@example.com"))
                .body("groups", equalTo(List.of("user")))
                // Issue 16: the address was never verified, and a relying party must be told so.
                .body("email_verified", equalTo(false));
        given().header("Authorization", "Bearer " + tokens.accessToken())
                .post("/oauth2/userinfo")
                .then()
                .statusCode(200)
                .body("sub", equalTo(sub));
    }

    @Test
    void claimsFollowTheScope() {
        String user = Api.newUser("userinfo-scope");
        String openidOnly =
                Api.login(user, Api.PASSWORD, "openid")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("access_token");
        given().header("Authorization", "Bearer " + openidOnly)
                .get("/oauth2/userinfo")
                .then()
                .statusCode(200)
                .body("preferred_username", nullValue())
                .body("email", nullValue())
                .body("$", not(hasKey("email_verified")));
        String noOpenid =
                Api.login(user, Api.PASSWORD, "profile")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("access_token");
        given().header("Authorization", "Bearer " + noOpenid)
                .get("/oauth2/userinfo")
                .then()
                .statusCode(403)
                .body("error", equalTo("insufficient_scope"));
    }

    @Test
    void anEndedSessionOrNoTokenIsUnauthorized() {
        Api.Tokens tokens = Api.tokens(Api.newUser("userinfo-ended"));
        given().contentType(ContentType.URLENC)
                .formParam("token", tokens.refreshToken())
                .post("/oauth2/revoke")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + tokens.accessToken())
                .get("/oauth2/userinfo")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
        given().get("/oauth2/userinfo").then().statusCode(401);
        given().header("Authorization", "Bearer " + tokens.refreshToken())
                .get("/oauth2/userinfo")
                .then()
                .statusCode(401);
    }
}
