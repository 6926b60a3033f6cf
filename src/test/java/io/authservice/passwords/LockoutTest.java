package io.authservice.passwords;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Db;
import io.authservice.ProxiedProfile;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * An attacker's failures cannot lock the real owner out: hard limits hold per (username, address).
 */
@QuarkusTest
@TestProfile(ProxiedProfile.class)
class LockoutTest {

    private static final String ATTACKER = "203.0.113.66";
    private static final String OWNER = "198.51.100.7";

    @Test
    void aBurstFromOneAddressDoesNotStopTheOwnerElsewhere() throws Exception {
        String username = Api.newUser("victim");
        String ownersToken =
                ProxiedProfile.login(OWNER, username, Api.PASSWORD)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("access_token");
        List<Integer> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(ProxiedProfile.login(ATTACKER, username, "wrong-guess-" + i).statusCode());
        }
        assertTrue(
                burst.subList(5, 40).stream().allMatch(status -> status == 429),
                "the attacker is throttled: " + burst);
        ProxiedProfile.login(ATTACKER, username, Api.PASSWORD).then().statusCode(429);

        ProxiedProfile.login(OWNER, username, Api.PASSWORD).then().statusCode(200);
        // From an address it never used either: slowed down, not refused.
        ProxiedProfile.login("192.0.2.44", username, Api.PASSWORD).then().statusCode(200);
        // And the owner's password change is not blocked by the burst.
        for (int i = 0; i < 40; i++) {
            ProxiedProfile.login(ATTACKER, username, "more-wrong-" + i);
        }
        given().header("X-Forwarded-For", OWNER)
                .header("Authorization", "Bearer " + ownersToken)
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "current_password",
                                Api.PASSWORD,
                                "new_password",
                                "a-new-long-password"))
                .post("/users/me/password")
                .then()
                .statusCode(204);
        ProxiedProfile.login(OWNER, username, "a-new-long-password").then().statusCode(200);
    }

    /**
     * Failures spread over many addresses stop at the account's cap: then strangers get 429 with
     * Retry-After, while an address that logged in before still may, and its success lifts the
     * limit.
     */
    @Test
    void consecutiveFailuresPerAccountAreCapped() throws Exception {
        String username = Api.newUser("capped");
        String known = "198.51.100.8";
        ProxiedProfile.login(known, username, Api.PASSWORD).then().statusCode(200);
        reachTheCap(username, 100);
        ProxiedProfile.login("192.0.2.45", username, Api.PASSWORD)
                .then()
                .statusCode(429)
                .header("Retry-After", notNullValue())
                .body("error", equalTo("too_many_requests"));
        ProxiedProfile.login(known, username, Api.PASSWORD).then().statusCode(200);
        ProxiedProfile.login("192.0.2.45", username, Api.PASSWORD).then().statusCode(200);
    }

    /**
     * OWASP's device cookie: the device a login succeeded on gets a device token (in the answer and
     * in a cookie), and presenting it later, from any address, is never refused by the account
     * limit.
     */
    @Test
    void aKnownDeviceLogsInDuringAndAfterAnAttack() throws Exception {
        String username = Api.newUser("device");
        Response first = ProxiedProfile.login("198.51.100.20", username, Api.PASSWORD);
        first.then()
                .statusCode(200)
                .body("device_token", notNullValue())
                .header("Set-Cookie", containsString("HttpOnly"));
        String deviceToken = first.path("device_token");
        String cookie = first.getCookie("auth-device");
        assertEquals(deviceToken, cookie, "the cookie carries the same device token");

        reachTheCap(username, 110);
        ProxiedProfile.login("192.0.2.60", username, Api.PASSWORD).then().statusCode(429);
        // During the attack, from addresses the owner never used: the field, then the cookie.
        String secondDevice =
                loginWithDevice("192.0.2.61", username, deviceToken, null)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("device_token");
        reachTheCap(username, 120);
        loginWithDevice("192.0.2.62", username, null, cookie).then().statusCode(200);
        // A device token of another account is no pass.
        String other = Api.newUser("other");
        String othersToken =
                ProxiedProfile.login("198.51.100.21", other, Api.PASSWORD).path("device_token");
        reachTheCap(username, 130);
        loginWithDevice("192.0.2.63", username, othersToken, null).then().statusCode(429);
        loginWithDevice("192.0.2.63", username, "forged." + deviceToken, null)
                .then()
                .statusCode(429);
        // A device's own wrong passwords lock that device only, not the owner's other device.
        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            guesses.add(
                    deviceLogin("192.0.2.64", username, deviceToken, null)
                            .formParam("password", "wrong-" + i)
                            .post("/oauth2/token")
                            .statusCode());
        }
        assertEquals(List.of(400, 400, 400, 400, 400, 429, 429), guesses);
        loginWithDevice("192.0.2.65", username, secondDevice, null).then().statusCode(200);
    }

    /** The account limit ends by itself once its window has passed (here: made to have passed). */
    @Test
    void theAccountLimitEndsAfterItsWindow() throws Exception {
        String username = Api.newUser("window");
        reachTheCap(username, 140);
        ProxiedProfile.login("192.0.2.70", username, Api.PASSWORD).then().statusCode(429);
        assertEquals(
                1,
                Db.update(
                        "update login_failures set locked_until = now() - interval '1 second',"
                                + " updated_at = now() - interval '16 minutes' where username = ? and source = ''",
                        username));
        ProxiedProfile.login("192.0.2.70", username, Api.PASSWORD).then().statusCode(200);
    }

    /**
     * Administrators see the limit on the user and lift it; the owner then logs in from a new
     * device.
     */
    @Test
    void anAdministratorSeesAndLiftsTheAccountLimit() throws Exception {
        String username = Api.uniqueName("lifted");
        String id =
                Api.register(username, Api.PASSWORD).then().statusCode(201).extract().path("id");
        String admin =
                given().header("X-Forwarded-For", "198.51.100.99")
                        .contentType(ContentType.URLENC)
                        .formParam("grant_type", "password")
                        .formParam("username", "admin")
                        .formParam("password", "test-only-admin-password")
                        .post("/oauth2/token")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("access_token");
        given().auth()
                .oauth2(admin)
                .get("/admin/users/" + id)
                .then()
                .statusCode(200)
                .body("login_limit.failures", equalTo(0))
                .body("login_limit.limited", equalTo(false));
        reachTheCap(username, 150);
        given().auth()
                .oauth2(admin)
                .get("/admin/users/" + id)
                .then()
                .statusCode(200)
                .body(
                        "login_limit.failures",
                        greaterThanOrEqualTo(ProxiedProfile.MAX_ACCOUNT_FAILURES))
                .body("login_limit.limited", equalTo(true))
                .body("login_limit.limited_until", notNullValue());
        ProxiedProfile.login("192.0.2.80", username, Api.PASSWORD).then().statusCode(429);

        given().auth()
                .oauth2(admin)
                .delete("/admin/users/" + id + "/login-limit")
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(admin)
                .get("/admin/users/" + id)
                .then()
                .statusCode(200)
                .body("login_limit.failures", equalTo(0))
                .body("login_limit.limited", equalTo(false));
        ProxiedProfile.login("192.0.2.80", username, Api.PASSWORD).then().statusCode(200);
        given().auth()
                .oauth2(admin)
                .delete("/admin/users/00000000-0000-0000-0000-000000000000/login-limit")
                .then()
                .statusCode(404);
    }

    /** Every address of one IPv6 /64 is one source: spreading guesses over it buys nothing. */
    @Test
    void anIpv6Slash64IsOneSource() {
        String username = Api.newUser("v6");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            statuses.add(
                    ProxiedProfile.login(
                                    "2001:db8:66:1::" + Integer.toHexString(i), username, "wrong")
                            .statusCode());
        }
        assertTrue(
                statuses.subList(5, 12).stream().allMatch(status -> status == 429),
                "the /64 is locked: " + statuses);
        ProxiedProfile.login("2001:db8:66:1:ffff:ffff:ffff:fffe", username, Api.PASSWORD)
                .then()
                .statusCode(429);
        ProxiedProfile.login("2001:db8:66:2::1", username, Api.PASSWORD).then().statusCode(200);
    }

    /**
     * A stolen access token buys a few guesses of the current password, from however many
     * addresses.
     */
    @Test
    void passwordChangeGuessesAreCountedPerAccount() {
        String username = Api.newUser("guess");
        String token =
                ProxiedProfile.login("198.51.100.30", username, Api.PASSWORD).path("access_token");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(
                    given().header("X-Forwarded-For", "203.0.113." + (200 + i))
                            .auth()
                            .oauth2(token)
                            .contentType(ContentType.JSON)
                            .body(
                                    Map.of(
                                            "current_password",
                                            "guess-" + i,
                                            "new_password",
                                            "a-new-long-password"))
                            .post("/users/me/password")
                            .statusCode());
        }
        assertTrue(
                statuses.subList(5, 10).stream().allMatch(status -> status == 429),
                "locked after 5: " + statuses);
    }

    /** Failures of {@code username} from strangers' addresses until the account limit holds. */
    private static void reachTheCap(String username, int firstOctet) throws Exception {
        List<Callable<Integer>> spread = new ArrayList<>();
        for (int a = 0; a < ProxiedProfile.MAX_ACCOUNT_FAILURES / 3 + 1; a++) {
            String address = "10." + firstOctet + "." + a + ".1";
            spread.add(
                    () -> {
                        for (int i = 0; i < 3; i++) {
                            ProxiedProfile.login(address, username, "wrong-" + i);
                        }
                        return 3;
                    });
        }
        Race.run(spread);
    }

    private static io.restassured.specification.RequestSpecification deviceLogin(
            String address, String username, String deviceToken, String cookie) {
        var request =
                given().header("X-Forwarded-For", address)
                        .contentType(ContentType.URLENC)
                        .formParam("grant_type", "password")
                        .formParam("username", username);
        if (deviceToken != null) {
            request.formParam("device_token", deviceToken);
        }
        if (cookie != null) {
            request.cookie("auth-device", cookie);
        }
        return request;
    }

    private static Response loginWithDevice(
            String address, String username, String deviceToken, String cookie) {
        return deviceLogin(address, username, deviceToken, cookie)
                .formParam("password", Api.PASSWORD)
                .post("/oauth2/token");
    }
}
