package io.authservice.users;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** PRECIS UsernameCaseMapped (RFC 8265) mapping before validation, one script per name. */
@QuarkusTest
class UsernamesTest {

    @Test
    void normalizingTwiceChangesNothing() {
        for (String name :
                List.of(
                        "ΣΟΦΟΣ",
                        "σοφος",
                        "ＡＤＭＩＮ",
                        "Straße",
                        "İstanbul",
                        "ǅemal",
                        "ﬁle",
                        "ᾼxyz",
                        "K-ring")) {
            String once = Usernames.normalize(name);
            assertEquals(once, Usernames.normalize(once), name);
        }
        assertEquals("σοφοσ", Usernames.normalize("ΣΟΦΟΣ"));
        assertEquals(Usernames.normalize("σοφος"), Usernames.normalize("ΣΟΦΟΣ"));
        assertEquals("admin", Usernames.normalize("ＡＤＭＩＮ"));
    }

    @Test
    void aNameMixingScriptsIsRefused() {
        String tag = UUID.randomUUID().toString().substring(0, 6).replaceAll("[0-9-]", "x");
        Api.register("\u0430dmin" + tag, Api.PASSWORD)
                .then()
                .statusCode(400) // Cyrillic а, then Latin
                .body("violations.field", hasItem("username"));
        Api.register("admin\u0430" + tag, Api.PASSWORD).then().statusCode(400);
        Api.register("\u0430\u0434\u043c\u0438\u043d" + "-" + tag.length(), Api.PASSWORD)
                .then()
                .statusCode(201); // all Cyrillic
    }

    @Test
    void finalSigmaAndWidthAreOneName() {
        String suffix = Integer.toString((int) (Math.random() * 1_000_000));
        Api.register("ΣΟΦΟΣ" + suffix, Api.PASSWORD)
                .then()
                .statusCode(201)
                .body("username", equalTo("σοφοσ" + suffix));
        Api.register("σοφος" + suffix, Api.PASSWORD).then().statusCode(409);
        // JSON: RestAssured's forms are ISO-8859-1 unless told otherwise.
        for (String name : List.of("σοφος" + suffix, "ΣΟΦΟΣ" + suffix, "σοφοσ" + suffix)) {
            io.restassured.RestAssured.given()
                    .contentType(io.restassured.http.ContentType.JSON)
                    .body(
                            java.util.Map.of(
                                    "grant_type",
                                    "password",
                                    "username",
                                    name,
                                    "password",
                                    Api.PASSWORD))
                    .post("/oauth2/token")
                    .then()
                    .statusCode(200);
        }
    }
}
