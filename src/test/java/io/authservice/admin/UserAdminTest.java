package io.authservice.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UserAdminTest {

    @Test
    void onlyAdministrators() {
        given().get("/admin/users").then().statusCode(401);
        given().header("Authorization", "Bearer " + Api.tokens(Api.newUser("plain")).accessToken())
                .get("/admin/users")
                .then()
                .statusCode(403);
    }

    @Test
    void searchesWithPaging() {
        String tag = Api.uniqueName("page").replace("-", "");
        for (int i = 0; i < 3; i++) {
            Api.register(tag + "-" + i, Api.PASSWORD).then().statusCode(201);
        }
        admin().queryParam("search", tag.toUpperCase())
                .queryParam("size", 2)
                .get("/admin/users")
                .then()
                .statusCode(200)
                .body("total", equalTo(3))
                .body("items.username", contains(tag + "-0", tag + "-1"))
                .body("items", everyItem(not(hasKey("password_hash"))));
        admin().queryParam("search", tag)
                .queryParam("size", 2)
                .queryParam("page", 1)
                .get("/admin/users")
                .then()
                .statusCode(200)
                .body("items.username", contains(tag + "-2"));
        admin().queryParam("search", "%")
                .queryParam("size", 1)
                .get("/admin/users")
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
        admin().queryParam("size", 1000).get("/admin/users").then().statusCode(400);
        admin().queryParam("page", -1).get("/admin/users").then().statusCode(400);
    }

    @Test
    void theNewUserReadsTheProfileAtTheLocationRegistrationGave() {
        String username = Api.uniqueName("loc");
        io.restassured.response.Response created =
                Api.register(username, Api.PASSWORD).then().statusCode(201).extract().response();
        String accessToken = Api.tokens(username).accessToken();
        given().header("Authorization", "Bearer " + accessToken)
                .get(created.header("Location"))
                .then()
                .statusCode(200)
                .body("id", equalTo(created.path("id")))
                .body("roles", contains("user"));
        admin().get("/admin/users/" + created.path("id")).then().statusCode(200);
        admin().get("/admin/users/00000000-0000-0000-0000-000000000000")
                .then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
        admin().get("/admin/users/not-a-uuid").then().statusCode(404);
    }

    @Test
    void disablingEndsSessionsAndLoginsUntilEnabled() {
        String username = Api.newUser("disable");
        Tokens tokens = Api.tokens(username);
        String id = Api.me(tokens.accessToken()).path("id");
        admin().post("/admin/users/" + id + "/disable")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false));
        Api.refresh(tokens.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.login(username, Api.PASSWORD)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        admin().post("/admin/users/" + id + "/enable")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true));
        Api.login(username, Api.PASSWORD).then().statusCode(200);
    }

    @Test
    void rolesAreSetAndShowInNewTokens() {
        String username = Api.newUser("roles");
        Tokens tokens = Api.tokens(username);
        String id = Api.me(tokens.accessToken()).path("id");
        admin().contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("user", "auditor")))
                .put("/admin/users/" + id + "/roles")
                .then()
                .statusCode(200)
                .body("roles", contains("user", "auditor"));
        Api.refresh(tokens.refreshToken()).then().statusCode(400);
        Api.me(Api.tokens(username).accessToken()).then().body("roles", hasItem("auditor"));
        admin().contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("Not A Role")))
                .put("/admin/users/" + id + "/roles")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void deletingEndsEverything() {
        String username = Api.newUser("delete");
        Tokens tokens = Api.tokens(username);
        String id = Api.me(tokens.accessToken()).path("id");
        admin().delete("/admin/users/" + id).then().statusCode(204);
        Api.refresh(tokens.refreshToken()).then().statusCode(400);
        Api.login(username, Api.PASSWORD).then().statusCode(400);
        admin().get("/admin/users/" + id).then().statusCode(404);
    }

    @Test
    void revokesAUsersSessions() {
        String username = Api.newUser("revokeall");
        Tokens first = Api.tokens(username);
        Tokens second = Api.tokens(username);
        String id = Api.me(first.accessToken()).path("id");
        admin().post("/admin/users/" + id + "/revoke-sessions")
                .then()
                .statusCode(200)
                .body("revoked_sessions", equalTo(2));
        Api.refresh(first.refreshToken()).then().statusCode(400);
        Api.refresh(second.refreshToken()).then().statusCode(400);
    }

    /** Only its own account could be the last one; LastAdminRaceTest covers two at once. */
    @Test
    void theLastAdministratorStays() {
        String id = Api.me(Api.adminToken()).path("id");
        admin().post("/admin/users/" + id + "/disable")
                .then()
                .statusCode(403)
                .body("error", equalTo("own_account"));
        admin().delete("/admin/users/" + id).then().statusCode(403);
        admin().contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("user")))
                .put("/admin/users/" + id + "/roles")
                .then()
                .statusCode(403);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Api.adminToken());
    }
}
