package io.authservice.api.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.ProxiedProfile;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One address flooding the password grant and registration cannot take login down for the others.
 */
@QuarkusTest
@TestProfile(RateLimitTest.Profile.class)
class RateLimitTest {

    public static class Profile extends ProxiedProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            // With the profile's prefix: application.properties turns both off for %test.
            config.put("%test.auth.rate-limit.requests-per-second", "5");
            config.put("auth.rate-limit.burst", "10");
            config.put("%test.auth.passwords.hashing-per-address", "4");
            // A small queue, so that a flood of a dozen requests at once fills it (a test client in
            // the
            // service's JVM on a small machine sends no more): the share per address leaves room in
            // it.
            config.put("auth.passwords.hashing-queue", "4");
            config.put("auth.rate-limit.refusal-delay", "PT" + REFUSAL_DELAY_MILLIS / 1000.0 + "S");
            return config;
        }
    }

    private static final String FLOOD = "203.0.113.9";
    private static final long REFUSAL_DELAY_MILLIS = 1500;

    @Test
    void aFloodFromOneAddressLeavesRoomForOthers() throws Exception {
        String username = Api.newUser("real");
        AtomicBoolean flooding = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Response> refused = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            for (int t = 0; t < 12; t++) {
                int thread = t;
                threads.submit(
                        () -> {
                            for (int i = 0; flooding.get(); i++) {
                                Response answer =
                                        thread % 4 == 0
                                                ? given().header("X-Forwarded-For", FLOOD)
                                                        .contentType(ContentType.JSON)
                                                        .body(
                                                                Map.of(
                                                                        "username",
                                                                        Api.uniqueName("flood"),
                                                                        "password",
                                                                        Api.PASSWORD))
                                                        .post("/users")
                                                : ProxiedProfile.login(
                                                        FLOOD,
                                                        Api.uniqueName("ghost"),
                                                        "wrong-password-" + i);
                                if (answer.statusCode() == 429) {
                                    refused.add(answer);
                                }
                            }
                            return null;
                        });
            }
            Thread.sleep(1500);
            List<Integer> real = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                real.add(
                        ProxiedProfile.login("198.51.100.20", username, Api.PASSWORD).statusCode());
                Thread.sleep(200);
            }
            assertEquals(List.of(200, 200, 200, 200, 200), real);
        } finally {
            flooding.set(false);
            threads.shutdown();
            threads.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertTrue(refused.size() > 0, "the flood is refused in part");
        refused.forEach(
                r -> assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1, r.asString()));
    }

    @Test
    void registrationAndTokenAnswer429WithRetryAfterBeyondTheBurst() throws Exception {
        String address = "203.0.113.77";
        for (String path : List.of("/oauth2/token", "/users")) {
            List<Callable<Response>> burst = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                // Without a password nothing is hashed: only the limit stands between them and an
                // answer.
                String name = "nobody-" + i;
                burst.add(
                        () ->
                                path.equals("/users")
                                        ? given().header("X-Forwarded-For", address)
                                                .contentType(ContentType.JSON)
                                                .body(Map.of("username", name))
                                                .post(path)
                                        : given().header("X-Forwarded-For", address)
                                                .contentType(ContentType.URLENC)
                                                .formParam("grant_type", "password")
                                                .formParam("username", name)
                                                .post(path));
            }
            int limited = 0;
            for (Response answer : Race.run(burst)) {
                if (answer.statusCode() == 429) {
                    limited++;
                    assertEquals("too_many_requests", answer.path("error"));
                    assertTrue(Integer.parseInt(answer.header("Retry-After")) >= 1);
                } else {
                    assertEquals(400, answer.statusCode(), answer.asString());
                }
            }
            assertTrue(
                    limited >= 20,
                    path + ": " + limited + " of 40 requests at once were limited (burst 10)");
            Thread.sleep(2500); // the bucket refills
        }
        // Another address is not concerned.
        ProxiedProfile.login("203.0.113.78", "nobody", "wrong-password").then().statusCode(400);
    }

    @Test
    void successfulTokenRequestsGiveTheirShareOfTheBudgetBack() {
        String address = "203.0.113.90";
        String username = Api.newUser("steady");
        // Four times the burst, faster than the rate refills it: a gateway's steady logins are not
        // refused.
        for (int i = 0; i < 40; i++) {
            ProxiedProfile.login(address, username, Api.PASSWORD).then().statusCode(200);
        }
        // Failures keep theirs: the same source is refused once they have spent the burst.
        int refused = 0;
        for (int i = 0; i < 40 && refused == 0; i++) {
            Response answer =
                    given().header("X-Forwarded-For", address)
                            .contentType(ContentType.URLENC)
                            .formParam("grant_type", "password")
                            .formParam("username", "nobody")
                            .post("/oauth2/token");
            if (answer.statusCode() == 429) {
                refused++;
                assertEquals(
                        "too many requests from this address; retry later",
                        answer.path("error_description"));
            } else {
                assertEquals(400, answer.statusCode(), answer.asString());
            }
        }
        assertEquals(1, refused, "failed requests from one source are still limited");
    }

    @Test
    void aRefusalIsHeldBackWithoutHoldingUpOthers() throws Exception {
        String address = "203.0.113.80";
        ExecutorService threads = Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<long[]>> burst = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                burst.add(
                        threads.submit(
                                () -> {
                                    long start = System.nanoTime();
                                    Response answer =
                                            given().header("X-Forwarded-For", address)
                                                    .contentType(ContentType.URLENC)
                                                    .formParam("grant_type", "password")
                                                    .formParam("username", "nobody")
                                                    .post("/oauth2/token");
                                    if (answer.statusCode() == 429) {
                                        assertTrue(
                                                Integer.parseInt(answer.header("Retry-After"))
                                                        >= 1);
                                    }
                                    return new long[] {
                                        answer.statusCode(), (System.nanoTime() - start) / 1_000_000
                                    };
                                }));
            }
            Thread.sleep(150); // the burst is sent; its refusals are being held back
            long start = System.nanoTime();
            // Without a password nothing is hashed: the answer waits for nothing but an event loop.
            given().header("X-Forwarded-For", "203.0.113.81")
                    .contentType(ContentType.URLENC)
                    .formParam("grant_type", "password")
                    .formParam("username", "nobody")
                    .post("/oauth2/token")
                    .then()
                    .statusCode(400);
            long other = (System.nanoTime() - start) / 1_000_000;

            int refused = 0;
            for (var answer : burst) {
                long[] codeAndMillis = answer.get(30, TimeUnit.SECONDS);
                if (codeAndMillis[0] == 429) {
                    refused++;
                    assertTrue(
                            codeAndMillis[1] >= REFUSAL_DELAY_MILLIS - 50,
                            "a refusal is held back: answered after " + codeAndMillis[1] + " ms");
                } else {
                    assertEquals(400, codeAndMillis[0]);
                }
            }
            assertTrue(refused >= 5, refused + " of 20 at once refused (burst 10)");
            // The held refusals hold no thread: another source is answered meanwhile.
            assertTrue(other < REFUSAL_DELAY_MILLIS, "another source waited " + other + " ms");
        } finally {
            threads.shutdownNow();
        }
    }
}
