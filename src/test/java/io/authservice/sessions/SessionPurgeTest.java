package io.authservice.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionPurgeTest {

    @Inject SessionPurge purge;

    @Test
    void deletesFamiliesLongEndedAndKeepsLiveOnes() {
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
        Db.update(
                "update refresh_families set revoked_at = now() - interval '2 days' where id ="
                        + " (select family_id from refresh_tokens where token_hash = ?)",
                (Object) Db.sha256(ended.refreshToken()));

        assertTrue(purge.purge().await().atMost(Duration.ofSeconds(10)) >= 1);

        assertEquals(
                0L,
                Db.value(
                        "select count(*) from refresh_tokens where token_hash = ?",
                        (Object) Db.sha256(ended.refreshToken())));
        // The live family keeps its spent token: replaying it must still be caught.
        assertEquals(
                1L,
                Db.value(
                        "select count(*) from refresh_tokens where token_hash = ?",
                        (Object) Db.sha256(live.refreshToken())));
        Api.refresh(live.refreshToken()).then().statusCode(400);
    }
}
