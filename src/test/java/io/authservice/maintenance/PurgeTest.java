package io.authservice.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PurgeTest {

    @Inject Purge purge;

    @Test
    void deletesSessionsLongEndedAndKeepsLiveOnes() {
        String username = Api.newUser("purge");
        Tokens ended = Api.tokens(username);
        Tokens live = Api.tokens(username);
        String next =
                Api.refresh(live.refreshToken())
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("refresh_token");
        Api.refresh(next).then().statusCode(200);
        Db.updateSession("revoked_at = now() - interval '2 days'", ended.refreshToken());

        assertTrue(purge.purge().await().atMost(Duration.ofSeconds(10)) >= 1);

        assertEquals(
                0L,
                Db.value(
                        "select count(*) from refresh_tokens where token_hash = ?",
                        (Object) Db.sha256(ended.refreshToken())));
        // The live session keeps its spent token: replaying it must still be caught.
        assertEquals(
                1L,
                Db.value(
                        "select count(*) from refresh_tokens where token_hash = ?",
                        (Object) Db.sha256(live.refreshToken())));
        Api.refresh(live.refreshToken()).then().statusCode(400);
    }

    @Test
    void deletesLoginFailuresAndClientAssertionsThatNoLongerCount() {
        String name = "purge-" + UUID.randomUUID();
        Db.update(
                "insert into login_failures (username, source, failures, updated_at) values"
                        + " (?, 'old', 3, now() - interval '400 days'), (?, 'recent', 3, now())",
                name,
                name);
        Db.update(
                "insert into client_assertions (client_id, jti, expires_at) values"
                        + " (?, 'old', now() - interval '1 hour'), (?, 'recent', now() + interval '1 minute')",
                name,
                name);

        purge.purge().await().atMost(Duration.ofSeconds(10));

        assertEquals(
                "recent",
                Db.value(
                        "select string_agg(source, ',') from login_failures where username = ?",
                        name));
        assertEquals(
                "recent",
                Db.value(
                        "select string_agg(jti, ',') from client_assertions where client_id = ?",
                        name));
    }
}
