package io.authservice.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Await;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

@QuarkusTest
class KeyAdminTest {

    private static final int RACING_LOGINS = 4;

    /**
     * Within the service's database deadline (10 s in tests): the held logins must not time out.
     */
    private static final Duration STEP = Duration.ofSeconds(4);

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
     *
     * <p>The race is made to happen: the test holds the racing user's row, which a login's session
     * start reads (FOR SHARE) after the login signed its access token, so the logins wait inside
     * the window (token signed by the key, session not yet started) while the withdrawal runs; only
     * when the withdrawal has finished, or waits for those logins, are they let go.
     */
    @Test
    void withdrawingTheActiveKeyEndsTheSessionsItSignedFor() throws Exception {
        String admin = Api.adminToken();
        String kid = kidOf(admin);
        Api.Tokens before = Api.tokens(Api.newUser("withdrawn"));
        String racer = Api.newUser("withdrawrace");
        ExecutorService threads = Executors.newFixedThreadPool(RACING_LOGINS + 1);
        List<Future<Response>> logins = new ArrayList<>();
        Future<Response> withdrawing;
        String order;
        try {
            try (Db.Held user =
                    Db.hold("select id from users where username = ? for update", racer)) {
                for (int i = 0; i < RACING_LOGINS; i++) {
                    logins.add(threads.submit(() -> Api.login(racer, Api.PASSWORD)));
                }
                user.awaitWaiting(
                        RACING_LOGINS, "logins that signed their tokens (to start sessions)", STEP);
                withdrawing =
                        threads.submit(
                                () ->
                                        given().header("Authorization", "Bearer " + admin)
                                                .post("/admin/keys/" + kid + "/withdraw"));
                order = user.awaitOtherSide("the withdrawal", withdrawing, STEP);
            }
            withdrawing
                    .get(30, TimeUnit.SECONDS)
                    .then()
                    .statusCode(200)
                    .body("kid", equalTo(kid))
                    .body("revoked_sessions", greaterThanOrEqualTo(1));

            Api.refresh(before.refreshToken())
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_grant"));
            Api.me(before.accessToken()).then().statusCode(401);
            Map<Integer, Integer> statuses = new TreeMap<>();
            int signedByWithdrawn = 0;
            for (Future<Response> answer : logins) {
                Response login = answer.get(30, TimeUnit.SECONDS);
                statuses.merge(login.statusCode(), 1, Integer::sum);
                // 503: the key was withdrawn before the session started; the login may be retried.
                assertTrue(
                        login.statusCode() == 200 || login.statusCode() == 503, login.asString());
                if (login.statusCode() == 200 && kidOf(login.path("access_token")).equals(kid)) {
                    signedByWithdrawn++;
                    Api.refresh(login.path("refresh_token")).then().statusCode(400);
                }
            }
            Logger.getLogger(KeyAdminTest.class)
                    .infof(
                            "%s; logins answered %s, %d signed by the withdrawn key",
                            order, statuses, signedByWithdrawn);
        } finally {
            threads.shutdownNow();
        }
        Api.Tokens after = Api.tokens(Api.newUser("afterwithdrawal"));
        org.junit.jupiter.api.Assertions.assertNotEquals(kid, kidOf(after.accessToken()));
        Api.refresh(after.refreshToken()).then().statusCode(200);
    }

    /**
     * Until this replica has reloaded its keys it still signs with the withdrawn key: a refresh in
     * that moment rotates a session the withdrawal's own revocation did not touch (its tokens are
     * older than the key) and gets an access token signed by the withdrawn key. The withdrawal ends
     * that session too, after the reload.
     *
     * <p>The moment is held open: the test holds the key's row, so the withdrawal's delete waits;
     * queues a lock of the whole key table behind the withdrawal's transaction; and lets that
     * transaction go. It commits, the table lock is granted, and the replica's reload waits for it
     * while the refresh (which reads no key) runs.
     */
    @Test
    void aRefreshBeforeTheReloadEndsWithTheWithdrawnKeysSessions() throws Exception {
        String admin = Api.adminToken();
        String kid = kidOf(admin);
        Api.Tokens older = Api.tokens(Api.newUser("olderthankey"));
        Db.update(
                "update refresh_tokens set created_at = created_at - interval '10 years'"
                        + " where family_id = (select family_id from refresh_tokens where token_hash = ?)",
                (Object) Db.sha256(older.refreshToken()));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Connection table = Db.connect()) {
            table.setAutoCommit(false);
            int tablePid = pid(table);
            Future<Response> withdrawing;
            Future<Boolean> tableLocked;
            try (Db.Held key =
                    Db.hold("select kid from signing_keys where kid = ? for key share", kid)) {
                withdrawing =
                        threads.submit(
                                () ->
                                        given().header("Authorization", "Bearer " + admin)
                                                .post("/admin/keys/" + kid + "/withdraw"));
                key.awaitWaiting(1, "the withdrawal's delete", STEP);
                tableLocked =
                        threads.submit(
                                () -> {
                                    try (Statement s = table.createStatement()) {
                                        return s.execute(
                                                "lock table signing_keys in access exclusive mode");
                                    }
                                });
                Await.until(
                        "the table lock queued behind the withdrawal's transaction",
                        STEP,
                        () -> key.waitingBehindWaiters() > 0);
            }
            tableLocked.get(30, TimeUnit.SECONDS);
            Await.until(
                    "the replica's reload waits for the table lock",
                    STEP,
                    () ->
                            (Long)
                                            Db.value(
                                                    "select count(*) from pg_stat_activity"
                                                            + " where ?::int = any(pg_blocking_pids(pid))",
                                                    tablePid)
                                    > 0);
            Response refreshed = Api.refresh(older.refreshToken());
            refreshed.then().statusCode(200);
            assertEquals(
                    kid,
                    kidOf(refreshed.path("access_token")),
                    "signed by the withdrawn key before the reload");
            table.rollback();

            withdrawing.get(30, TimeUnit.SECONDS).then().statusCode(200).body("kid", equalTo(kid));
            Api.refresh(refreshed.path("refresh_token"))
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_grant"));
        } finally {
            threads.shutdownNow();
        }
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String kidOf(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
