package io.authservice.users;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.authservice.Db;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** Logins racing a change that ends the user's sessions: no session of such a login outlives it. */
@QuarkusTest
class SessionRaceTest {

    private static final Logger LOG = Logger.getLogger(SessionRaceTest.class);
    private static final int RUNS = 3;
    private static final int LOGINS = 20;

    /** Disabling takes no hashing: started at once it would finish before the logins' hashes. */
    private static final long DISABLE_DELAY_MS = 500;

    @Test
    void aPasswordChangeEndsTheSessionsOfLoginsRacingIt() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            race(
                    "password change",
                    username -> {
                        String access = Api.tokens(username).accessToken();
                        return () ->
                                given().header("Authorization", "Bearer " + access)
                                        .contentType(ContentType.JSON)
                                        .body(
                                                Map.of(
                                                        "current_password",
                                                        Api.PASSWORD,
                                                        "new_password",
                                                        "a-new-long-password"))
                                        .post("/users/me/password");
                    },
                    204);
        }
    }

    @Test
    void disablingEndsTheSessionsOfLoginsRacingIt() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            race(
                    "disable",
                    username -> {
                        String id = Api.me(Api.tokens(username).accessToken()).path("id");
                        String admin = Api.adminToken();
                        return () -> {
                            Thread.sleep(DISABLE_DELAY_MS);
                            return given().header("Authorization", "Bearer " + admin)
                                    .post("/admin/users/" + id + "/disable");
                        };
                    },
                    200);
        }
    }

    /**
     * {@code change} arranges the change for a new user and returns it; it then runs among {@link
     * #LOGINS} logins with the password the user had, submitted at the same instant.
     */
    private static void race(String name, Function<String, Callable<Response>> change, int changed)
            throws Exception {
        String username = Api.newUser("race");
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            tasks.add(() -> Api.login(username, Api.PASSWORD));
        }
        // Among the logins, not first: some hash before it, some after.
        tasks.add(LOGINS / 2, change.apply(username));
        List<Response> answers = new ArrayList<>(Race.run(tasks));
        assertEquals(changed, answers.remove(LOGINS / 2).statusCode(), name);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> refreshTokens = new ArrayList<>();
        for (Response login : answers) {
            statuses.merge(login.statusCode(), 1, Integer::sum);
            if (login.statusCode() == 200) {
                refreshTokens.add(login.path("refresh_token"));
            }
        }
        int refreshed = 0;
        for (String token : refreshTokens) {
            if (Api.refresh(token).statusCode() == 200) {
                refreshed++;
            }
        }
        LOG.infof(
                "%s racing %d logins: logins answered %s; sessions still refreshable: %d",
                name, LOGINS, statuses, refreshed);
        assertEquals(0, refreshed, "sessions that outlived the " + name);
        assertEquals(
                0L,
                Db.value(
                        "select count(*) from refresh_families f join users u on u.id = f.user_id"
                                + " where u.username = ? and f.revoked_at is null",
                        username),
                "families not revoked");
    }
}
