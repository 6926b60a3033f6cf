package io.authservice.api.http;

import static io.restassured.RestAssured.given;

import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nosniff on every answer; no-store on every answer to an authenticated request. */
@QuarkusTest
class SecurityHeadersTest {

    @Test
    void everyAnswerIsNosniff() {
        for (Response answer :
                List.of(
                        given().get("/.well-known/jwks.json"),
                        given().get("/.well-known/openid-configuration"),
                        given().get("/no-such-path"),
                        given().get("/users/me"),
                        Api.login("nobody", "wrong-password"))) {
            answer.then().header("X-Content-Type-Options", "nosniff");
        }
    }

    @Test
    void authenticatedAnswersAreNotStored() {
        String token = Api.tokens(Api.newUser("headers")).accessToken();
        String admin = Api.adminToken();
        for (Response answer :
                List.of(
                        Api.me(token),
                        given().header("Authorization", "Bearer " + admin).get("/admin/users"),
                        given().header("Authorization", "Bearer " + admin).get("/admin/keys"),
                        given().header("Authorization", "Bearer " + token).get("/admin/users"),
                        given().header("Authorization", "Bearer " + token)
                                .get("/.well-known/jwks.json"))) {
            answer.then()
                    .header("Cache-Control", "no-store")
                    .header("X-Content-Type-Options", "nosniff");
        }
    }
}
