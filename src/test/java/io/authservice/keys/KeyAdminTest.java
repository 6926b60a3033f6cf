package io.authservice.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.authservice.Api;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

@QuarkusTest
class KeyAdminTest {

    @Test
    void onlyAdministratorsSeeKeys() {
        given().get("/admin/keys").then().statusCode(401);
        given().header(
                        "Authorization",
                        "Bearer " + Api.tokens(Api.newUser("notadmin")).accessToken())
                .get("/admin/keys")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"));
        given().header(
                        "Authorization",
                        "Bearer " + Api.tokens(Api.newUser("notadmin2")).accessToken())
                .post("/admin/keys/rotate")
                .then()
                .statusCode(403);
    }

    @Test
    void listsKeysWithStatesAndDatesButNoPrivateMaterial() {
        given().header("Authorization", "Bearer " + Api.adminToken())
                .get("/admin/keys")
                .then()
                .statusCode(200)
                .body("state", hasItem("active"))
                .body("kid", everyItem(notNullValue()))
                .body("algorithm", everyItem(equalTo("RS256")))
                .body("created_at", everyItem(notNullValue()))
                .body("", everyItem(not(hasKey("private_key"))))
                .body("", everyItem(not(hasKey("d"))));
    }

    @Test
    void aStagedRotationPublishesTheNextKeyAtOnceButDoesNotSignWithIt() {
        String token = Api.adminToken();
        String kid =
                given().header("Authorization", "Bearer " + token)
                        .post("/admin/keys/rotate")
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("next"))
                        .body("activate_at", notNullValue())
                        .extract()
                        .path("kid");
        given().get("/.well-known/jwks.json").then().body("keys.kid", hasItem(kid));
        // The active key still signs: tokens issued now carry another kid.
        org.junit.jupiter.api.Assertions.assertNotEquals(kid, kidOf(Api.adminToken()));
        // Asking again keeps the one next key.
        given().header("Authorization", "Bearer " + token)
                .post("/admin/keys/rotate")
                .then()
                .statusCode(200)
                .body("kid", equalTo(kid));
    }

    @Test
    void withdrawingAnUnknownKeyIs404() {
        given().header("Authorization", "Bearer " + Api.adminToken())
                .post("/admin/keys/no-such-kid/withdraw")
                .then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
    }

    /**
     * Withdrawing the signing key ends the sessions that received a token signed by it, also those
     * of logins racing the withdrawal; a session that got its tokens from the next key lives on.
     */
    @org.junit.jupiter.api.RepeatedTest(3)
    void withdrawingTheActiveKeyEndsTheSessionsItSignedFor() throws Exception {
        String admin = Api.adminToken();
        String kid = kidOf(admin);
        Api.Tokens before = Api.tokens(Api.newUser("withdrawn"));
        String racer = Api.newUser("withdrawrace");
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(() -> Api.login(racer, Api.PASSWORD));
        }
        tasks.add(
                5,
                () -> {
                    Thread.sleep(300); // amid the logins' hashing, not before it
                    return given().header("Authorization", "Bearer " + admin)
                            .post("/admin/keys/" + kid + "/withdraw");
                });
        List<Response> answers = new ArrayList<>(Race.run(tasks));
        answers.remove(5)
                .then()
                .statusCode(200)
                .body("kid", equalTo(kid))
                .body("revoked_sessions", greaterThanOrEqualTo(1));

        Api.refresh(before.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.me(before.accessToken()).then().statusCode(401);
        int signedByWithdrawn = 0;
        for (Response login : answers) {
            if (login.statusCode() == 200 && kidOf(login.path("access_token")).equals(kid)) {
                signedByWithdrawn++;
                Api.refresh(login.path("refresh_token")).then().statusCode(400);
            }
        }
        org.jboss.logging.Logger.getLogger(KeyAdminTest.class)
                .infof(
                        "logins racing the withdrawal: %d of %d signed by the withdrawn key",
                        signedByWithdrawn, answers.size());
        Api.Tokens after = Api.tokens(Api.newUser("afterwithdrawal"));
        org.junit.jupiter.api.Assertions.assertNotEquals(kid, kidOf(after.accessToken()));
        Api.refresh(after.refreshToken()).then().statusCode(200);
    }

    private static String kidOf(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
