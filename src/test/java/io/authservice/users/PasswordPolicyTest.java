package io.authservice.users;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NIST SP 800-63B-4: length in code points after NFKC, no common or breached password, not the
 * username.
 */
@QuarkusTest
class PasswordPolicyTest {

    @Test
    void commonAndBreachedPasswordsAreRefused() {
        for (String common :
                new String[] {
                    "password1",
                    "qwertyuiop",
                    "iloveyou1",
                    "PASSWORD123",
                    "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11"
                }) { // fullwidth "password1"
            refused(Api.uniqueName("common"), common);
        }
    }

    @Test
    void lengthCountsCodePoints() {
        refused(
                Api.uniqueName("emoji"),
                "\ud83d\udd11\ud83d\udd11\ud83d\udd11\ud83d\udd11"); // 4 keys, 8 UTF-16 units
        Api.register(Api.uniqueName("emoji"), "\ud83d\udd11".repeat(8)).then().statusCode(201);
    }

    @Test
    void aPasswordMayNotContainTheUsername() {
        String username = Api.uniqueName("named");
        refused(username, "my-" + username.toUpperCase() + "-secret");
    }

    @Test
    void aPasswordChangeFollowsThePolicy() {
        String username = Api.newUser("change");
        String token = Api.tokens(username).accessToken();
        for (String weak : new String[] {"password123", "xx" + username + "xx"}) {
            given().header("Authorization", "Bearer " + token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("current_password", Api.PASSWORD, "new_password", weak))
                    .post("/users/me/password")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }
        Api.login(username, Api.PASSWORD).then().statusCode(200);
    }

    private static void refused(String username, String password) {
        Api.register(username, password)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("violations.field", hasItem("password"));
    }
}
