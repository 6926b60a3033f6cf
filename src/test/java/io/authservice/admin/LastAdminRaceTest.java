package io.authservice.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.authservice.Db;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LastAdminRaceTest {

    private static final Logger LOG = Logger.getLogger(LastAdminRaceTest.class);
    private static final int RUNS = 8;

    /**
     * The only two enabled administrators disable each other at the same instant: one wins, the
     * other is refused, and one enabled administrator remains.
     */
    @Test
    void twoAdministratorsDisablingEachOtherLeaveOne() throws Exception {
        String bootstrap = Api.me(Api.adminToken()).path("id");
        for (int run = 0; run < RUNS; run++) {
            String tokenA = newAdmin();
            String tokenB = newAdmin();
            String idA = Api.me(tokenA).path("id");
            String idB = Api.me(tokenB).path("id");
            as(tokenA).post("/admin/users/" + bootstrap + "/disable").then().statusCode(200);
            try {
                List<Response> answers =
                        Race.run(
                                List.<Callable<Response>>of(
                                        () -> as(tokenA).post("/admin/users/" + idB + "/disable"),
                                        () -> as(tokenB).post("/admin/users/" + idA + "/disable")));
                List<Integer> statuses =
                        answers.stream().map(Response::statusCode).sorted().toList();
                LOG.infof("run %d: %s", run, statuses);
                // The loser is refused as no longer an administrator (read again under the lock),
                // or,
                // had it been read first, by the last-admin guard.
                assertEquals(200, statuses.get(0));
                Response loser =
                        answers.stream()
                                .filter(r -> r.statusCode() != 200)
                                .findFirst()
                                .orElseThrow();
                assertEquals(
                        loser.statusCode() == 403 ? "forbidden" : "last_admin",
                        loser.path("error"),
                        loser.asString());
                assertEquals(
                        true,
                        loser.statusCode() == 403 || loser.statusCode() == 409,
                        loser.asString());
                assertEquals(
                        1L,
                        Db.value(
                                "select count(*) from users where enabled and 'admin' = any(roles)"));
            } finally {
                Db.update("update users set enabled = true where id = ?::uuid", bootstrap);
                for (String id : List.of(idA, idB)) {
                    as(Api.adminToken()).delete("/admin/users/" + id).then().statusCode(204);
                }
            }
        }
    }

    /** A new user made administrator; returns an access token of it (with the admin role). */
    private static String newAdmin() {
        String username = Api.newUser("racer");
        String id = Api.me(Api.tokens(username).accessToken()).path("id");
        as(Api.adminToken())
                .contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("admin", "user")))
                .put("/admin/users/" + id + "/roles")
                .then()
                .statusCode(200);
        return Api.tokens(username).accessToken();
    }

    private static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
