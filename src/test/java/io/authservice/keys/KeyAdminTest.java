package io.authservice.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class KeyAdminTest {

    @Test
    void onlyAdministratorsSeeKeys() {
        given().get("/admin/keys").then().statusCode(401);
        given().header("Authorization", "Bearer " + Api.tokens(Api.newUser("notadmin")).accessToken())
                .get("/admin/keys").then().statusCode(403).body("error", equalTo("forbidden"));
        given().header("Authorization", "Bearer " + Api.tokens(Api.newUser("notadmin2")).accessToken())
                .post("/admin/keys/rotate").then().statusCode(403);
    }

    @Test
    void listsKeysWithStatesAndDatesButNoPrivateMaterial() {
        given().header("Authorization", "Bearer " + Api.adminToken()).get("/admin/keys")
                .then().statusCode(200)
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
        String kid = given().header("Authorization", "Bearer " + token).post("/admin/keys/rotate")
                .then().statusCode(200)
                .body("state", equalTo("next"))
                .body("activate_at", notNullValue())
                .extract().path("kid");
        given().get("/.well-known/jwks.json").then().body("keys.kid", hasItem(kid));
        // The active key still signs: tokens issued now carry another kid.
        org.junit.jupiter.api.Assertions.assertNotEquals(kid, kidOf(Api.adminToken()));
        // Asking again keeps the one next key.
        given().header("Authorization", "Bearer " + token).post("/admin/keys/rotate")
                .then().statusCode(200).body("kid", equalTo(kid));
    }

    @Test
    void withdrawingAnUnknownKeyIs404() {
        given().header("Authorization", "Bearer " + Api.adminToken()).post("/admin/keys/no-such-kid/withdraw")
                .then().statusCode(404).body("error", equalTo("not_found"));
    }


    private static String kidOf(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
