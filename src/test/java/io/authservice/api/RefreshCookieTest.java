package io.authservice.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.clients.ClientsApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cookie mode of a public client: the refresh token travels in an HttpOnly, Secure, SameSite=Strict
 * cookie of Path=/oauth2/, is used from an Origin the client allows only, and is otherwise the same
 * refresh token as in body mode (rotation, reuse detection, the retry window, revocation).
 */
@QuarkusTest
class RefreshCookieTest {

    static final String ORIGIN = "https://app.example";

    private String clientId;
    private String cookieName;
    private String username;

    /** A parsed Set-Cookie: name, value and attributes (lower-case names). */
    record SetCookie(String name, String value, Map<String, String> attributes) {
        /**
         * The one refresh cookie the answer sets (a login also sets the device cookie,
         * LockoutTest's subject).
         */
        static SetCookie of(Response answer) {
            List<String> values =
                    answer.getHeaders().getValues("Set-Cookie").stream()
                            .filter(value -> value.startsWith("__Secure-refresh"))
                            .toList();
            assertEquals(
                    1,
                    values.size(),
                    "one refresh Set-Cookie: " + answer.getHeaders().getValues("Set-Cookie"));
            String[] parts = values.get(0).split(";");
            String[] pair = parts[0].split("=", 2);
            Map<String, String> attributes = new TreeMap<>();
            Arrays.stream(parts)
                    .skip(1)
                    .map(String::trim)
                    .forEach(
                            a -> {
                                String[] kv = a.split("=", 2);
                                attributes.put(kv[0].toLowerCase(), kv.length > 1 ? kv[1] : "");
                            });
            return new SetCookie(pair[0].trim(), pair[1], attributes);
        }
    }

    @BeforeEach
    void cookieClient() {
        clientId = Api.uniqueName("spa");
        ClientsApi.registered(
                Map.of(
                        "client_id",
                        clientId,
                        "client_name",
                        "spa",
                        "token_endpoint_auth_method",
                        "none",
                        "grant_types",
                        List.of("password", "refresh_token"),
                        "refresh_token_mode",
                        "cookie",
                        "allowed_cors_origins",
                        List.of(ORIGIN, "http://127.0.0.1:5173")));
        cookieName = "__Secure-refresh-" + clientId;
        username = Api.newUser("cookie");
    }

    private RequestSpecification from(String origin) {
        RequestSpecification request = given().contentType("application/x-www-form-urlencoded");
        return origin == null ? request : request.header("Origin", origin);
    }

    private Response login() {
        return from(ORIGIN)
                .formParam("grant_type", "password")
                .formParam("client_id", clientId)
                .formParam("username", username)
                .formParam("password", Api.PASSWORD)
                .post("/oauth2/token");
    }

    private Response refresh(String origin, String cookie) {
        RequestSpecification request =
                from(origin)
                        .formParam("grant_type", "refresh_token")
                        .formParam("client_id", clientId);
        return (cookie == null ? request : request.header("Cookie", cookieName + "=" + cookie))
                .post("/oauth2/token");
    }

    private Response logout(String origin, String cookie) {
        RequestSpecification request = from(origin).formParam("client_id", clientId);
        return (cookie == null ? request : request.header("Cookie", cookieName + "=" + cookie))
                .post("/oauth2/revoke");
    }

    private static SetCookie tokenCookie(Response answer) {
        answer.then().statusCode(200);
        assertNull(answer.path("refresh_token"), "no refresh token in the body");
        SetCookie cookie = SetCookie.of(answer);
        long expiresIn = ((Number) answer.path("refresh_expires_in")).longValue();
        assertEquals(
                String.valueOf(expiresIn),
                cookie.attributes().get("max-age"),
                "Max-Age = refresh_expires_in");
        return cookie;
    }

    @Test
    void theLoginSetsAnHttpOnlySecureStrictCookieForOauth2OnlyAndKeepsTheTokenOutOfTheBody() {
        Response answer = login();
        SetCookie cookie = tokenCookie(answer);
        assertEquals(cookieName, cookie.name());
        assertTrue(cookie.name().startsWith("__Secure-"));
        assertEquals(43, cookie.value().length(), "256 random bits, base64url");
        assertTrue(cookie.attributes().containsKey("httponly"));
        assertTrue(cookie.attributes().containsKey("secure"));
        assertEquals("Strict", cookie.attributes().get("samesite"));
        assertEquals("/oauth2/", cookie.attributes().get("path"));
        assertFalse(cookie.attributes().containsKey("domain"), "host-only");
        assertEquals(
                "86400",
                cookie.attributes().get("max-age"),
                "the idle lifetime (P1D) below the absolute (P30D)");
        assertEquals(200, Api.me(answer.path("access_token")).statusCode());
        assertEquals("no-store", answer.header("Cache-Control"));
        // The first-party body-mode client is unchanged.
        Response body = Api.login(username, Api.PASSWORD);
        body.then().statusCode(200);
        assertTrue(body.path("refresh_token") != null);
        assertTrue(
                body.getHeaders().getValues("Set-Cookie").stream()
                        .noneMatch(v -> v.startsWith("__Secure-refresh")));
    }

    @Test
    void aRefreshWithoutTheFieldUsesTheCookieAndRotatesIt() {
        SetCookie first = tokenCookie(login());
        Response refreshed = refresh(ORIGIN, first.value());
        SetCookie second = tokenCookie(refreshed);
        assertNotEquals(first.value(), second.value(), "rotated");
        assertEquals(200, Api.me(refreshed.path("access_token")).statusCode());
        assertEquals("/oauth2/", second.attributes().get("path"));
        tokenCookie(refresh("http://127.0.0.1:5173", second.value()));
    }

    @Test
    void usingTheCookieWithoutOrWithAWrongOriginIs403AndSpendsNothing() {
        SetCookie cookie = tokenCookie(login());
        for (String origin :
                new String[] {
                    null,
                    "https://evil.example",
                    "https://configured.example",
                    "null",
                    "https://app.example.evil"
                }) {
            Response refused = refresh(origin, cookie.value());
            refused.then().statusCode(403);
            assertEquals(
                    OAuthResource.INVALID_ORIGIN, refused.path("error"), String.valueOf(origin));
            assertTrue(refused.getHeaders().getValues("Set-Cookie").isEmpty());
            Response revoke = logout(origin, cookie.value());
            revoke.then().statusCode(403);
            assertEquals(OAuthResource.INVALID_ORIGIN, revoke.path("error"));
        }
        tokenCookie(refresh(ORIGIN, cookie.value())); // still unspent, the session still live
    }

    @Test
    void aLoginOfACookieClientFromAnotherOriginSetsNoCookie() {
        // Another page of the site must not replace the session's cookie with one of its choosing.
        for (String origin : new String[] {null, "https://evil.example"}) {
            Response refused =
                    from(origin)
                            .formParam("grant_type", "password")
                            .formParam("client_id", clientId)
                            .formParam("username", username)
                            .formParam("password", Api.PASSWORD)
                            .post("/oauth2/token");
            refused.then().statusCode(403);
            assertEquals(OAuthResource.INVALID_ORIGIN, refused.path("error"));
            assertTrue(refused.getHeaders().getValues("Set-Cookie").isEmpty());
            assertNull(refused.path("access_token"));
        }
        // A refresh token in the body is answered in the cookie too, so it needs the Origin as
        // well.
        SetCookie cookie = tokenCookie(login());
        Response inBody =
                from("https://evil.example")
                        .formParam("grant_type", "refresh_token")
                        .formParam("client_id", clientId)
                        .formParam("refresh_token", cookie.value())
                        .post("/oauth2/token");
        inBody.then().statusCode(403);
        tokenCookie(
                from(ORIGIN)
                        .formParam("grant_type", "refresh_token")
                        .formParam("client_id", clientId)
                        .formParam("refresh_token", cookie.value())
                        .post("/oauth2/token"));
    }

    @Test
    void reuseOfASpentCookieTokenEndsTheSession() {
        SetCookie a = tokenCookie(login());
        SetCookie b = tokenCookie(refresh(ORIGIN, a.value()));
        SetCookie c = tokenCookie(refresh(ORIGIN, b.value()));
        Response reused = refresh(ORIGIN, a.value());
        reused.then().statusCode(400);
        assertEquals("invalid_grant", reused.path("error"));
        Response newest = refresh(ORIGIN, c.value());
        newest.then().statusCode(400);
        assertEquals("invalid_grant", newest.path("error"), "the whole session ended");
    }

    @Test
    void aRetryWithTheSameCookieGetsTheSameSuccessor() {
        SetCookie a = tokenCookie(login());
        SetCookie b = tokenCookie(refresh(ORIGIN, a.value()));
        SetCookie again =
                tokenCookie(
                        refresh(ORIGIN, a.value())); // its answer was lost: the browser still has a
        assertEquals(b.value(), again.value());
        tokenCookie(refresh(ORIGIN, b.value()));
    }

    @Test
    void aRevocationWithoutTokenEndsTheCookiesSessionAndClearsTheCookie() {
        SetCookie a = tokenCookie(login());
        SetCookie b = tokenCookie(refresh(ORIGIN, a.value()));
        Response out = logout(ORIGIN, b.value());
        out.then().statusCode(200);
        SetCookie cleared = SetCookie.of(out);
        assertEquals(cookieName, cleared.name());
        assertEquals("", cleared.value());
        assertEquals("0", cleared.attributes().get("max-age"));
        assertEquals("/oauth2/", cleared.attributes().get("path"));
        assertTrue(
                cleared.attributes().containsKey("secure")
                        && cleared.attributes().containsKey("httponly"));
        Response after = refresh(ORIGIN, b.value());
        after.then().statusCode(400);
        assertEquals("invalid_grant", after.path("error"));
        // Logging out again, or without a cookie, still answers 200 and clears.
        logout(ORIGIN, null).then().statusCode(200);
        assertEquals("0", SetCookie.of(logout(ORIGIN, null)).attributes().get("max-age"));
    }

    @Test
    void aRefreshWithoutFieldOrCookieIsInvalidRequest() {
        Response answer = refresh(ORIGIN, null);
        answer.then().statusCode(400);
        assertEquals("invalid_request", answer.path("error"));
        Response twice =
                from(ORIGIN)
                        .formParam("grant_type", "refresh_token")
                        .formParam("client_id", clientId)
                        .header("Cookie", cookieName + "=x; " + cookieName + "=y")
                        .post("/oauth2/token");
        twice.then().statusCode(400);
        assertEquals(
                "invalid_request", twice.path("error"), "a name present twice is not guessed at");
    }

    @Test
    void aBodyModeClientIgnoresTheCookie() {
        SetCookie cookie = tokenCookie(login());
        Response answer =
                from(ORIGIN)
                        .formParam("grant_type", "refresh_token")
                        .header("Cookie", "__Secure-refresh-web=" + cookie.value())
                        .post("/oauth2/token");
        answer.then().statusCode(400);
        assertEquals("invalid_request", answer.path("error"));
    }

    @Test
    void cookieNamesAreValidForAnyClientId() {
        RefreshCookie cookie = new RefreshCookie(new Cookies(true));
        assertEquals("__Secure-refresh-web", cookie.name("web"));
        String odd = cookie.name("a client/with;odd=chars");
        assertTrue(odd.matches("__Secure-refresh~[A-Za-z0-9_-]{22}"), odd);
        assertNotEquals(odd, cookie.name("a client/with;odd=chars2"));
    }
}
