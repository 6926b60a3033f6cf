package io.authservice.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One rule for both cookies: Secure and the __Secure- prefix exactly when the issuer is https (also
 * behind a TLS-terminating ingress, where the issuer is https and the service speaks http), neither
 * for a plain-http issuer such as http://localhost in development.
 */
class CookiesTest {

    @ParameterizedTest
    @CsvSource({
        "https://auth.example.com, __Secure-, '; Secure'",
        "HTTPS://auth.example.com/realm, __Secure-, '; Secure'",
        "http://localhost:8080, '', ''",
        "http://127.0.0.1:8080, '', ''"})
    void bothCookiesFollowTheIssuersScheme(String issuer, String prefix, String secure) {
        Cookies cookies = Cookies.forIssuer(issuer);
        assertEquals(prefix + "auth-device=d; Max-Age=60; Path=/oauth2/token; HttpOnly; SameSite=Strict" + secure,
                new DeviceCookie(cookies).set("d", 60));
        RefreshCookie refresh = new RefreshCookie(cookies);
        assertEquals(prefix + "refresh-web=r; Max-Age=60; Path=/oauth2/; HttpOnly; SameSite=Strict" + secure,
                refresh.set("web", "r", 60));
        assertEquals(prefix + "refresh-web=; Max-Age=0; Path=/oauth2/; HttpOnly; SameSite=Strict" + secure,
                refresh.clear("web"));
    }
}
