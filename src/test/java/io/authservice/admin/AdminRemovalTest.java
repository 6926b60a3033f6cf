package io.authservice.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * An administrator who was disabled, demoted or deleted keeps an access token that still says
 * {@code groups: [admin]} for its lifetime: with it, every administrative path answers 403 at once.
 * Nobody changes their own enabled flag, roles or existence.
 */
@QuarkusTest
class AdminRemovalTest {

    @Test
    void aDisabledAdministratorsTokenIsRefusedEverywhere() {
        Admin removed = newAdmin();
        as(Api.adminToken()).post("/admin/users/" + removed.id + "/disable").then().statusCode(200);
        refusedEverywhere(removed);
        delete(removed);
    }

    @Test
    void aDemotedAdministratorsTokenIsRefusedEverywhere() {
        Admin removed = newAdmin();
        as(Api.adminToken())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("user")))
                .put("/admin/users/" + removed.id + "/roles")
                .then()
                .statusCode(200);
        refusedEverywhere(removed);
        delete(removed);
    }

    @Test
    void aDeletedAdministratorsTokenIsRefusedEverywhere() {
        Admin removed = newAdmin();
        as(Api.adminToken()).delete("/admin/users/" + removed.id).then().statusCode(204);
        refusedEverywhere(removed);
    }

    @Test
    void nobodyChangesTheirOwnAccount() {
        Admin self = newAdmin();
        String me = "/admin/users/" + self.id;
        for (Function<RequestSpecification, Response> change :
                List.<Function<RequestSpecification, Response>>of(
                        r -> r.post(me + "/disable"),
                        r -> r.post(me + "/enable"),
                        r ->
                                r.contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("admin", "user", "auditor")))
                                        .put(me + "/roles"),
                        r ->
                                r.contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("user")))
                                        .put(me + "/roles"),
                        r -> r.delete(me))) {
            Response answer = change.apply(as(self.token));
            assertEquals(403, answer.statusCode(), answer.asString());
            assertEquals("own_account", answer.path("error"));
        }
        as(self.token)
                .get(me)
                .then()
                .statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(true))
                .body("roles", org.hamcrest.Matchers.contains("admin", "user"));
        delete(self);
    }

    /** Other tests count the administrators: the ones made here go again. */
    private static void delete(Admin admin) {
        as(Api.adminToken()).delete("/admin/users/" + admin.id).then().statusCode(204);
    }

    /**
     * The removed administrator's token, still signed with groups [admin], against every admin
     * path.
     */
    private static void refusedEverywhere(Admin removed) {
        String victim = Api.me(Api.adminToken()).path("id");
        String puppet = Api.me(Api.tokens(Api.newUser("puppet")).accessToken()).path("id");
        String self = "/admin/users/" + removed.id;
        List<Function<RequestSpecification, Response>> paths =
                List.of(
                        r -> r.get("/admin/users"),
                        r -> r.get("/admin/users/" + victim),
                        r -> r.post(self + "/enable"),
                        r ->
                                r.contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("admin", "user")))
                                        .put(self + "/roles"),
                        r ->
                                r.contentType(ContentType.JSON)
                                        .body(Map.of("roles", List.of("admin", "user")))
                                        .put("/admin/users/" + puppet + "/roles"),
                        r -> r.post("/admin/users/" + victim + "/disable"),
                        r -> r.post("/admin/users/" + victim + "/revoke-sessions"),
                        r -> r.delete("/admin/users/" + puppet),
                        r -> r.get("/admin/keys"),
                        r -> r.post("/admin/keys/no-such-kid/withdraw"));
        for (Function<RequestSpecification, Response> path : paths) {
            Response answer = path.apply(as(removed.token));
            assertEquals(403, answer.statusCode(), answer.asString());
        }
        as(Api.adminToken())
                .get("/admin/users/" + puppet)
                .then()
                .statusCode(200)
                .body("roles", org.hamcrest.Matchers.contains("user"));
    }

    private record Admin(String id, String token) {}

    /** A new user made administrator, and an access token of it that carries the role. */
    private static Admin newAdmin() {
        String username = Api.newUser("admin2");
        String id = Api.me(Api.tokens(username).accessToken()).path("id");
        as(Api.adminToken())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("admin", "user")))
                .put("/admin/users/" + id + "/roles")
                .then()
                .statusCode(200);
        String token = Api.tokens(username).accessToken();
        as(token).get("/admin/users").then().statusCode(200);
        return new Admin(id, token);
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
