package io.authservice;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Behind a trusted proxy on loopback: {@code X-Forwarded-For} names the client, so tests can speak
 * from many addresses. Per-address limits are as low as the tests of them need.
 */
public class ProxiedProfile implements QuarkusTestProfile {

    /** Consecutive failures of one account after which only known addresses may try. */
    public static final int MAX_ACCOUNT_FAILURES = 30;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "auth.trusted-proxies", "127.0.0.0/8, ::1",
                // Locks outlast a test run: a lock that expires midway would let more attempts
                // through.
                "auth.login.throttle-base", "PT20S",
                "auth.login.account-delay-max", "PT0.2S",
                "auth.login.max-account-failures", String.valueOf(MAX_ACCOUNT_FAILURES));
    }

    /** The same as {@link Api#login}, from {@code address}. */
    public static io.restassured.response.Response login(
            String address, String username, String password) {
        return io.restassured.RestAssured.given()
                .header("X-Forwarded-For", address)
                .contentType(io.restassured.http.ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("username", username)
                .formParam("password", password)
                .post("/oauth2/token");
    }
}
