package io.authservice.oauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RevocationTest {

    @Test
    void revokingARefreshTokenEndsItsSession() {
        Tokens first = Api.tokens(Api.newUser("revoke"));
        Tokens second = Api.refreshed(first.refreshToken());
        revoke(first.refreshToken()).then().statusCode(200);
        Api.refresh(second.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void revokingTheNewestTokenEndsItsSession() {
        Tokens tokens = Api.tokens(Api.newUser("revoke2"));
        given().contentType(ContentType.URLENC)
                .formParam("token", tokens.refreshToken())
                .formParam("token_type_hint", "refresh_token")
                .post("/oauth2/revoke")
                .then()
                .statusCode(200);
        Api.refresh(tokens.refreshToken()).then().statusCode(400);
    }

    @Test
    void unknownTokensAndAccessTokensAnswer200() {
        revoke("no-such-token").then().statusCode(200);
        revoke(Api.tokens(Api.newUser("revoke3")).accessToken()).then().statusCode(200);
    }

    @Test
    void aMissingTokenIsAnInvalidRequest() {
        given().contentType(ContentType.URLENC)
                .formParam("token_type_hint", "refresh_token")
                .post("/oauth2/revoke")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType(ContentType.TEXT)
                .body("token=x")
                .post("/oauth2/revoke")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    private static io.restassured.response.Response revoke(String token) {
        return given().contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/oauth2/revoke");
    }
}
