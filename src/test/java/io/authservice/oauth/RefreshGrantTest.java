package io.authservice.oauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.authservice.Db;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RefreshGrantTest {

    @TestHTTPResource("/oauth2/token")
    URI tokenEndpoint;

    @Test
    void rotatesOnEveryUse() {
        Tokens first = Api.tokens(Api.newUser("rot"));
        Tokens second =
                Tokens.of(
                        Api.refresh(first.refreshToken())
                                .then()
                                .statusCode(200)
                                .header("Cache-Control", "no-store")
                                .body("refresh_token", not(equalTo(first.refreshToken())))
                                .body("token_type", equalTo("Bearer"))
                                .body("expires_in", equalTo(300))
                                .body("scope", equalTo("openid profile email"))
                                .extract()
                                .response());
        Api.me(second.accessToken()).then().statusCode(200);
        Api.refresh(second.refreshToken()).then().statusCode(200);
    }

    /**
     * Both refresh paths (the one-statement spend, and inspect-then-rotate when a scope is asked
     * for) sign for the user, roles, session and client of the login: only the token's time and id
     * change.
     */
    @Test
    void aRefreshedAccessTokenSpeaksForTheSameUserSessionAndClient() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        Tokens login =
                Tokens.of(
                        Api.login(
                                        config.getValue(
                                                "auth.bootstrap-admin.username", String.class),
                                        config.getValue(
                                                "auth.bootstrap-admin.password", String.class))
                                .then()
                                .statusCode(200)
                                .extract()
                                .response());
        Map<String, Object> first = Api.claims(login.accessToken());
        assertTrue(
                ((List<?>) first.get("groups")).contains("admin"), "roles in the token: " + first);
        Tokens spent = Api.refreshed(login.refreshToken());
        Tokens narrowed =
                Tokens.of(
                        refreshWithScope(spent.refreshToken(), "openid profile")
                                .then()
                                .statusCode(200)
                                .extract()
                                .response());
        for (Tokens refreshed : List.of(spent, narrowed)) {
            Map<String, Object> claims = Api.claims(refreshed.accessToken());
            for (String name :
                    List.of(
                            "iss",
                            "sub",
                            "aud",
                            "client_id",
                            "groups",
                            "upn",
                            "preferred_username",
                            "sid")) {
                assertEquals(first.get(name), claims.get(name), name);
            }
            assertTrue(!first.get("jti").equals(claims.get("jti")), "a new token id");
        }
        assertEquals(first.get("scope"), Api.claims(spent.accessToken()).get("scope"));
        assertEquals("openid profile", Api.claims(narrowed.accessToken()).get("scope"));
    }

    @Test
    void replayingASpentTokenAfterItsSuccessorWasUsedEndsTheWholeSession() {
        String username = Api.newUser("reuse");
        Tokens first = Api.tokens(username);
        Tokens other = Api.tokens(username);
        Tokens second = Api.refreshed(first.refreshToken());
        Tokens third = Api.refreshed(second.refreshToken());

        Api.refresh(first.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));

        // The newest token of the session is dead too; another session of the same user is not.
        Api.refresh(third.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        Api.refresh(other.refreshToken()).then().statusCode(200);
        assertEquals(
                "reuse",
                Db.value(
                        "select f.revoked_reason from refresh_families f join refresh_tokens t"
                                + " on t.family_id = f.id where t.token_hash = ?",
                        (Object) Db.sha256(first.refreshToken())));
    }

    @Test
    void twentyConcurrentRefreshesOfOneTokenGetOneSuccessor() throws Exception {
        Tokens tokens = Api.tokens(Api.newUser("race"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request =
                HttpRequest.newBuilder(tokenEndpoint)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "grant_type=refresh_token&refresh_token="
                                                + tokens.refreshToken()))
                        .build();
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    start.await();
                                    return client.send(
                                            request, HttpResponse.BodyHandlers.ofString());
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            pool));
        }
        start.countDown();
        List<HttpResponse<String>> responses =
                answers.stream().map(CompletableFuture::join).toList();
        pool.shutdown();
        // Double-submits are retries of one refresh: all succeed, all with the one successor.
        List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
        assertEquals(20, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(
                1,
                responses.stream()
                        .map(
                                r ->
                                        io.restassured.path.json.JsonPath.from(r.body())
                                                .getString("refresh_token"))
                        .distinct()
                        .count());
        assertEquals(
                2L,
                Db.value(
                        "select count(*) from refresh_tokens where family_id ="
                                + " (select family_id from refresh_tokens where token_hash = ?)",
                        (Object) Db.sha256(tokens.refreshToken())));
    }

    @Test
    void scopeCanOnlyNarrow() {
        Tokens tokens = Api.tokens(Api.newUser("narrow"));
        refreshWithScope(tokens.refreshToken(), "openid admin")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_scope"));
        // A refused scope does not spend the token.
        String next =
                refreshWithScope(tokens.refreshToken(), "openid")
                        .then()
                        .statusCode(200)
                        .body("scope", equalTo("openid"))
                        .extract()
                        .path("refresh_token");
        // The session keeps its original grant.
        Api.refresh(next).then().statusCode(200).body("scope", equalTo("openid profile email"));
    }

    @Test
    void anIdleTokenExpires() {
        Tokens tokens = Api.tokens(Api.newUser("idle"));
        Db.update(
                "update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = ?",
                (Object) Db.sha256(tokens.refreshToken()));
        Api.refresh(tokens.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void aSessionExpiresAtItsAbsoluteLifetime() {
        Tokens tokens = Api.tokens(Api.newUser("absolute"));
        Db.updateSession("expires_at = now() - interval '1 second'", tokens.refreshToken());
        Api.refresh(tokens.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void theNextTokenNeverOutlivesItsSession() {
        Tokens tokens = Api.tokens(Api.newUser("cap"));
        Db.updateSession("expires_at = now() + interval '1 hour'", tokens.refreshToken());
        int expiresIn =
                Api.refresh(tokens.refreshToken())
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("refresh_expires_in");
        assertTrue(expiresIn <= 3600 && expiresIn > 3500, "refresh_expires_in " + expiresIn);
    }

    @Test
    void aDisabledUserCannotRefresh() {
        String username = Api.newUser("disabledrefresh");
        Tokens tokens = Api.tokens(username);
        Db.update("update users set enabled = false where username = ?", username);
        Api.refresh(tokens.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void unknownAndMalformedTokensAreInvalidGrants() {
        Api.refresh("not-a-token").then().statusCode(400).body("error", equalTo("invalid_grant"));
        Api.refresh("x".repeat(2000))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void onlyAHashOfTheTokenIsStored() {
        Tokens tokens = Api.tokens(Api.newUser("hashonly"));
        assertEquals(
                1L,
                Db.value(
                        "select count(*) from refresh_tokens where token_hash = ?",
                        (Object) Db.sha256(tokens.refreshToken())));
        String next =
                Api.refresh(tokens.refreshToken())
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("refresh_token");
        for (String token : List.of(tokens.refreshToken(), next)) {
            assertEquals(
                    0L,
                    Db.value(
                            "select count(*) from refresh_tokens t join refresh_families f"
                                    + " on f.id = t.family_id where strpos(t::text || f::text, ?) > 0",
                            token));
        }
    }

    private static io.restassured.response.Response refreshWithScope(
            String refreshToken, String scope) {
        return given().contentType(ContentType.URLENC)
                .formParams(
                        Map.of(
                                "grant_type",
                                "refresh_token",
                                "refresh_token",
                                refreshToken,
                                "scope",
                                scope))
                .post("/oauth2/token");
    }
}
