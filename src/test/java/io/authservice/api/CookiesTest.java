package io.authservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device cookie is Secure with the __Secure- prefix exactly when the issuer is https (also
 * behind a TLS-terminating ingress, where the issuer is https and the service speaks http); the
 * refresh cookie always is (RefreshCookieTest checks it in the service).
 */
class CookiesTest {

    @ParameterizedTest
    @CsvSource({
        "https://auth.example.com, __Secure-, '; Secure'",
        "HTTPS://auth.example.com/realm, __Secure-, '; Secure'",
        "http://localhost:8080, '', ''",
        "http://127.0.0.1:8080, '', ''"
    })
    void theDeviceCookieFollowsTheIssuersScheme(String issuer, String prefix, String secure) {
        assertEquals(
                prefix
                        + "auth-device=d; Max-Age=60; Path=/oauth2/token; HttpOnly; SameSite=Strict"
                        + secure,
                new DeviceCookie(Cookies.forIssuer(issuer)).set("d", 60));
    }

    @Test
    void theRefreshCookieIsAlwaysSecure() {
        RefreshCookie refresh = new RefreshCookie(new Cookies(true));
        assertEquals(
                "__Secure-refresh-web=r; Max-Age=60; Path=/oauth2/; HttpOnly; SameSite=Strict; Secure",
                refresh.set("web", "r", 60));
        assertEquals(
                "__Secure-refresh-web=; Max-Age=0; Path=/oauth2/; HttpOnly; SameSite=Strict; Secure",
                refresh.clear("web"));
    }
}
