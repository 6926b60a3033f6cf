package io.authservice.passwords;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.ProxiedProfile;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** An attacker's failures cannot lock the real owner out: hard limits hold per (username, address). */
@QuarkusTest
@TestProfile(ProxiedProfile.class)
class LockoutTest {

    private static final String ATTACKER = "203.0.113.66";
    private static final String OWNER = "198.51.100.7";

    @Test
    void aBurstFromOneAddressDoesNotStopTheOwnerElsewhere() throws Exception {
        String username = Api.newUser("victim");
        String ownersToken = ProxiedProfile.login(OWNER, username, Api.PASSWORD).then().statusCode(200)
                .extract().path("access_token");
        List<Integer> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(ProxiedProfile.login(ATTACKER, username, "wrong-guess-" + i).statusCode());
        }
        assertTrue(burst.subList(5, 40).stream().allMatch(status -> status == 429), "the attacker is throttled: " + burst);
        ProxiedProfile.login(ATTACKER, username, Api.PASSWORD).then().statusCode(429);

        ProxiedProfile.login(OWNER, username, Api.PASSWORD).then().statusCode(200);
        // From an address it never used either: slowed down, not refused.
        ProxiedProfile.login("192.0.2.44", username, Api.PASSWORD).then().statusCode(200);
        // And the owner's password change is not blocked by the burst.
        for (int i = 0; i < 40; i++) {
            ProxiedProfile.login(ATTACKER, username, "more-wrong-" + i);
        }
        given().header("X-Forwarded-For", OWNER).header("Authorization", "Bearer " + ownersToken)
                .contentType(ContentType.JSON)
                .body(Map.of("current_password", Api.PASSWORD, "new_password", "a-new-long-password"))
                .post("/users/me/password").then().statusCode(204);
        ProxiedProfile.login(OWNER, username, "a-new-long-password").then().statusCode(200);
    }

    /**
     * Failures spread over many addresses stop at the account's cap: then only an address that logged
     * in before may try, and its success opens the account again.
     */
    @Test
    void consecutiveFailuresPerAccountAreCapped() throws Exception {
        String username = Api.newUser("capped");
        String known = "198.51.100.8";
        ProxiedProfile.login(known, username, Api.PASSWORD).then().statusCode(200);
        List<Callable<Integer>> spread = new ArrayList<>();
        for (int a = 0; a < ProxiedProfile.MAX_ACCOUNT_FAILURES / 3 + 1; a++) {
            String address = "203.0.113." + (100 + a);
            spread.add(() -> {
                for (int i = 0; i < 3; i++) {
                    ProxiedProfile.login(address, username, "wrong-" + i).then().statusCode(400);
                }
                return 3;
            });
        }
        Race.run(spread);
        ProxiedProfile.login("192.0.2.45", username, Api.PASSWORD).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        ProxiedProfile.login(known, username, Api.PASSWORD).then().statusCode(200);
        ProxiedProfile.login("192.0.2.45", username, Api.PASSWORD).then().statusCode(200);
    }
}
