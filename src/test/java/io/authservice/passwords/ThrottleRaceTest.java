package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.ProxiedProfile;
import io.authservice.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Parallel guesses on one username cannot all pass a throttle that reads its count before hashing.
 */
@QuarkusTest
@TestProfile(ProxiedProfile.class)
class ThrottleRaceTest {

    private static final int MAX_FAILURES = 5;

    @Test
    void sixtyParallelGuessesGetAtMostTheAllowedNumberHashed() throws Exception {
        String username = Api.newUser("race");
        List<Callable<Response>> guesses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String guess = "wrong-guess-" + i;
            guesses.add(() -> Api.login(username, guess));
        }
        List<Response> answers = Race.run(guesses);
        long checked = answers.stream().filter(r -> r.statusCode() != 429).count();
        long throttled = answers.stream().filter(r -> r.statusCode() == 429).count();
        assertTrue(
                checked <= MAX_FAILURES,
                checked
                        + " of 60 guesses were checked: "
                        + answers.stream()
                                .filter(r -> r.statusCode() != 429)
                                .map(Response::asString)
                                .toList());
        assertEquals(60 - checked, throttled);
        answers.stream()
                .filter(r -> r.statusCode() == 429)
                .forEach(r -> assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1));
    }

    /** Counted from zero after a success: the count was reserved, not read and written back. */
    @Test
    void aSuccessResetsTheCount() throws Exception {
        String username = Api.newUser("reset");
        Api.login(username, Api.PASSWORD).then().statusCode(200);
        for (int i = 0; i < MAX_FAILURES - 1; i++) {
            Api.login(username, "wrong-" + i).then().statusCode(400);
        }
        Api.login(username, Api.PASSWORD).then().statusCode(200);
        // Counted from zero again: four more failures, and the fifth attempt is still checked.
        for (int i = 0; i < MAX_FAILURES - 1; i++) {
            Api.login(username, "wrong-again-" + i).then().statusCode(400);
        }
        Api.login(username, Api.PASSWORD).then().statusCode(200);
    }
}
