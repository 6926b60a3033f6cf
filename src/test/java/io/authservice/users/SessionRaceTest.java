package io.authservice.users;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Logins racing a change that ends the user's sessions: no session of such a login outlives it.
 *
 * <p>The race is made to happen, not hoped for: the test holds the signing keys' rows, which a
 * login's session start reads (FOR KEY SHARE) after its password check, so the logins wait inside
 * the window (password checked, session not yet started) while the change runs; only when the
 * change has finished, or waits for those logins, are they let go.
 */
@QuarkusTest
class SessionRaceTest {

    private static final Logger LOG = Logger.getLogger(SessionRaceTest.class);
    private static final int LOGINS = 4;

    /**
     * Within the service's database deadline (10 s in tests): the held logins must not time out.
     */
    private static final Duration STEP = Duration.ofSeconds(4);

    @Test
    void aPasswordChangeEndsTheSessionsOfLoginsRacingIt() throws Exception {
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

    @Test
    void disablingEndsTheSessionsOfLoginsRacingIt() throws Exception {
        race(
                "disable",
                username -> {
                    String id = Api.me(Api.tokens(username).accessToken()).path("id");
                    String admin = Api.adminToken();
                    return () ->
                            given().header("Authorization", "Bearer " + admin)
                                    .post("/admin/users/" + id + "/disable");
                },
                200);
    }

    /**
     * {@code change} arranges the change for a new user and returns it; it then runs while {@link
     * #LOGINS} logins with the password the user had wait to start their sessions.
     */
    private static void race(String name, Function<String, Callable<Response>> change, int changed)
            throws Exception {
        String username = Api.newUser("race");
        Callable<Response> theChange = change.apply(username);
        ExecutorService threads = Executors.newFixedThreadPool(LOGINS + 1);
        List<Future<Response>> logins = new ArrayList<>();
        Future<Response> changing;
        String order;
        try {
            try (Db.Held keys = Db.hold("select kid from signing_keys for update")) {
                for (int i = 0; i < LOGINS; i++) {
                    logins.add(threads.submit(() -> Api.login(username, Api.PASSWORD)));
                }
                keys.awaitWaiting(
                        LOGINS, "logins that checked the password (to start sessions)", STEP);
                changing = threads.submit(theChange);
                order = keys.awaitOtherSide("the " + name, changing, STEP);
            }
            assertEquals(changed, changing.get(30, TimeUnit.SECONDS).statusCode(), name);
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> refreshTokens = new ArrayList<>();
            for (Future<Response> answer : logins) {
                Response login = answer.get(30, TimeUnit.SECONDS);
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
                    "%s; logins answered %s; sessions still refreshable: %d",
                    order, statuses, refreshed);
            assertEquals(0, refreshed, "sessions that outlived the " + name);
            assertEquals(
                    0L,
                    Db.value(
                            "select count(*) from refresh_families f join users u on u.id = f.user_id"
                                    + " where u.username = ? and f.revoked_at is null",
                            username),
                    "families not revoked");
        } finally {
            threads.shutdownNow();
        }
    }
}
