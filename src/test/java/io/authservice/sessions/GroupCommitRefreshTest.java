package io.authservice.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.authservice.Db;
import io.authservice.Race;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Group commit of refresh spends (README, Refresh tokens): concurrent refreshes share one
 * statement, and each is still answered as if alone.
 */
@QuarkusTest
class GroupCommitRefreshTest {

    private static final int SESSIONS = 24;

    @Inject SessionStore sessionStore;

    @Inject RefreshTokenCodec codec;

    @Inject MeterRegistry metrics;

    @Test
    void concurrentRefreshesOfDistinctSessionsShareStatementsAndEachGetsItsOwnSuccessor()
            throws Exception {
        List<Tokens> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(Api.tokens(Api.newUser("group")));
        }
        // Requests released at one instant overlap at the database; a few rounds make that certain.
        for (int round = 0; round < 5 && grouped() == 0; round++) {
            List<Callable<Response>> refreshes = new ArrayList<>();
            sessions.forEach(session -> refreshes.add(() -> Api.refresh(session.refreshToken())));
            List<Response> answers = Race.run(refreshes);
            Set<String> successors = new HashSet<>();
            for (int i = 0; i < SESSIONS; i++) {
                answers.get(i).then().statusCode(200);
                Tokens next = Tokens.of(answers.get(i));
                successors.add(next.refreshToken());
                // Its own session: the successor is of the session of the token presented.
                assertEquals(
                        sessionOf(sessions.get(i).refreshToken()), sessionOf(next.refreshToken()));
                Api.me(next.accessToken()).then().statusCode(200);
                sessions.set(i, next);
            }
            assertEquals(SESSIONS, successors.size());
        }
        assertTrue(grouped() > 0, "no two refreshes shared a statement");
        for (Tokens session : sessions) {
            Api.refresh(session.refreshToken()).then().statusCode(200);
            assertNull(
                    Db.value(
                            "select revoked_reason from refresh_families where id = ?",
                            sessionOf(session.refreshToken())));
        }
    }

    @Test
    void aTokenTwiceInOneBatchIsSpentOnceAndTheOtherIsARetry() {
        Tokens twice = Api.tokens(Api.newUser("twice"));
        Tokens other = Api.tokens(Api.newUser("other"));

        List<SessionStore.Spent> rows =
                sessionStore
                        .spendAll(
                                List.of(
                                        spendOf(twice.refreshToken()),
                                        spendOf(twice.refreshToken()),
                                        spendOf(other.refreshToken())))
                        .await()
                        .indefinitely();

        assertTrue(
                rows.get(0) == null ^ rows.get(1) == null,
                "exactly one of the two spends: " + rows);
        assertNotNull(rows.get(2));
        assertEquals(
                2L,
                Db.value(
                        "select count(*) from refresh_tokens where family_id = ?",
                        sessionOf(twice.refreshToken())));
        // The other presentation, judged alone, is a retry: the one successor, the session lives
        // on.
        String successor =
                Api.refresh(twice.refreshToken())
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("refresh_token");
        Api.refresh(successor).then().statusCode(200);
        assertNull(
                Db.value(
                        "select revoked_reason from refresh_families where id = ?",
                        sessionOf(twice.refreshToken())));
    }

    /** A spend of {@code token} by the client web, as a refresh makes it. */
    private SessionStore.Spend spendOf(String token) {
        return new SessionStore.Spend(
                RefreshTokenCodec.hash(token),
                RefreshTokenCodec.hash(codec.successor(token)),
                "web");
    }

    /** Spends that shared a statement with another: the batched spends beyond one per statement. */
    private double grouped() {
        DistributionSummary batches = metrics.find("auth.refresh.spend.batch").summary();
        return batches == null ? 0 : batches.totalAmount() - batches.count();
    }

    private static Object sessionOf(String refreshToken) {
        return Db.value(
                "select family_id from refresh_tokens where token_hash = ?",
                (Object) Db.sha256(refreshToken));
    }
}
