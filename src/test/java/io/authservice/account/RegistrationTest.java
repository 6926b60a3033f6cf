package io.authservice.account;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RegistrationTest {

    @Test
    void registersAUserAndNeverShowsTheHash() {
        String username = Api.uniqueName("Reg");
        String id =
                given().contentType(ContentType.JSON)
                        .body(
                                Map.of(
                                        "username",
                                        username,
                                        "password",
                                        Api.PASSWORD,
                                        "email",
                                        "reg@example.com"))
                        .post("/users")
                        .then()
                        .statusCode(201)
                        .header("Location", org.hamcrest.Matchers.endsWith("/users/me"))
                        .body("username", equalTo(username.toLowerCase()))
                        .body("email", equalTo("reg@example.com"))
                        .body("roles", containsInAnyOrder("user"))
                        .body("$", not(hasKey("password_hash")))
                        .body("$", not(hasKey("passwordHash")))
                        .body("$", not(hasKey("password")))
                        .extract()
                        .path("id");
        String stored = (String) Db.value("select password_hash from users where id = ?::uuid", id);
        assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
    }

    @Test
    void usernamesAreUniqueWithoutRegardToCase() {
        String username = Api.newUser("Case");
        Api.register(username.toUpperCase(), Api.PASSWORD)
                .then()
                .statusCode(409)
                .body("error", equalTo("username_taken"));
        Api.register("  " + username + " ", Api.PASSWORD).then().statusCode(400);
    }

    @Test
    void compatibilityFormsOfAUsernameAreOneUsername() {
        // NFKC: the fullwidth letters are the same name as the ASCII ones.
        String suffix = Api.uniqueName("x").substring(2);
        Api.register("ｆｕｌｌ" + suffix, Api.PASSWORD)
                .then()
                .statusCode(201)
                .body("username", equalTo("full" + suffix));
        Api.register("FULL" + suffix, Api.PASSWORD).then().statusCode(409);
    }

    @Test
    void listsEveryViolation() {
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "a", "password", "short", "email", "not-an-email"))
                .post("/users")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("violations.field", containsInAnyOrder("username", "password", "email"))
                .body("violations.message", hasItem(org.hamcrest.Matchers.notNullValue()));
    }

    @Test
    void refusesBadUsernamesAndPasswords() {
        Api.register("with space", Api.PASSWORD)
                .then()
                .statusCode(400)
                .body("violations.field", hasItem("username"));
        Api.register("x".repeat(65), Api.PASSWORD)
                .then()
                .statusCode(400)
                .body("violations.field", hasItem("username"));
        Api.register(Api.uniqueName("long"), "p".repeat(129))
                .then()
                .statusCode(400)
                .body("violations.field", hasItem("password"));
        given().contentType(ContentType.JSON)
                .body(Map.of("username", Api.uniqueName("nopw")))
                .post("/users")
                .then()
                .statusCode(400)
                .body("violations.field", hasItem("password"));
    }
}
