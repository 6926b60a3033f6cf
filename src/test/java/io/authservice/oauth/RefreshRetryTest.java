package io.authservice.oauth;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The retry window (API.md, Refresh token): a spent token presented again by the same client within
 * the window, while its successor is unused, is a retry whose answer was lost and gets that same
 * successor; any other presentation of a spent token is reuse.
 */
@QuarkusTest
class RefreshRetryTest {

    @Test
    void aRetryGetsTheSameSuccessorAndTheSessionLivesOn() {
        Tokens first = Api.tokens(Api.newUser("retry"));
        Tokens second = Api.refreshed(first.refreshToken());

        Tokens again =
                Tokens.of(
                        Api.refresh(first.refreshToken())
                                .then()
                                .statusCode(200)
                                .header("Cache-Control", "no-store")
                                .extract()
                                .response());

        assertEquals(second.refreshToken(), again.refreshToken());
        assertNotEquals(second.accessToken(), again.accessToken());
        Api.me(again.accessToken()).then().statusCode(200);
        Tokens third = Api.refreshed(again.refreshToken());
        Api.refresh(third.refreshToken()).then().statusCode(200);
        assertEquals(null, revokedReason(first));
    }

    @Test
    void aRetryAfterTheSuccessorWasUsedIsReuse() {
        Tokens first = Api.tokens(Api.newUser("retryused"));
        Tokens second = Api.refreshed(first.refreshToken());
        Tokens third = Api.refreshed(second.refreshToken());

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));

        Api.refresh(third.refreshToken()).then().statusCode(400);
        assertEquals("reuse", revokedReason(first));
    }

    @Test
    void aRetryAfterTheWindowIsReuse() {
        Tokens first = Api.tokens(Api.newUser("retrylate"));
        Tokens second = Api.refreshed(first.refreshToken());
        Db.update(
                "update refresh_tokens set spent_at = now() - interval '11 seconds' where token_hash = ?",
                (Object) Db.sha256(first.refreshToken()));

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));

        Api.refresh(second.refreshToken()).then().statusCode(400);
        assertEquals("reuse", revokedReason(first));
    }

    @Test
    void aRetryByAnotherClientIsReuse() {
        Tokens first = Api.tokens(Api.newUser("retryclient"));
        Tokens second = Api.refreshed(first.refreshToken());
        // The session belongs to another client than the one presenting the token (web).
        Db.updateSession("client_id = 'other'", first.refreshToken());

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));

        Db.updateSession("client_id = 'web'", first.refreshToken());
        Api.refresh(second.refreshToken()).then().statusCode(400);
        assertEquals("reuse", revokedReason(first));
    }

    @Test
    void anUnspentTokenOfAnotherClientIsRefusedWithoutBeingSpent() {
        Tokens first = Api.tokens(Api.newUser("otherclient"));
        Db.updateSession("client_id = 'other'", first.refreshToken());

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));

        assertEquals(
                null,
                Db.value(
                        "select spent_at from refresh_tokens where token_hash = ?",
                        (Object) Db.sha256(first.refreshToken())));
        assertEquals(null, revokedReason(first));
    }

    @Test
    void aRetryOfARevokedSessionFails() {
        Tokens first = Api.tokens(Api.newUser("retryrevoked"));
        Api.refresh(first.refreshToken()).then().statusCode(200);
        io.restassured.RestAssured.given()
                .contentType(io.restassured.http.ContentType.URLENC)
                .formParam("token", first.refreshToken())
                .post("/oauth2/revoke")
                .then()
                .statusCode(200);

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        assertEquals("revoked", revokedReason(first));
    }

    private static Object revokedReason(Tokens tokens) {
        return Db.value(
                "select f.revoked_reason from refresh_families f join refresh_tokens t"
                        + " on t.family_id = f.id where t.token_hash = ?",
                (Object) Db.sha256(tokens.refreshToken()));
    }
}
