package io.authservice.oauth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for the service's cookies ({@link DeviceCookie}, {@link RefreshCookie}): {@code Secure}
 * and the {@code __Secure-} name prefix exactly when the issuer is https. The issuer is the address
 * browsers use, so the rule follows what they see: behind a TLS-terminating ingress the service itself
 * speaks http but the issuer, and so the cookie, is https; a development or test deployment over plain
 * http (http://localhost included, which not every browser treats as secure for cookies) gets cookies
 * that browser keeps. {@code HttpOnly; SameSite=Strict} always.
 */
record Cookies(boolean secure) {

    static Cookies forIssuer(String issuer) {
        return new Cookies(issuer.toLowerCase(Locale.ROOT).startsWith("https:"));
    }

    /** {@code base}, with the {@code __Secure-} prefix when secure (browsers then accept it only with {@code Secure}). */
    String name(String base) {
        return secure ? "__Secure-" + base : base;
    }

    /** The {@code Set-Cookie} value for {@code name}, with the rule's attributes and {@code path}. */
    String set(String name, String value, long maxAgeSeconds, String path) {
        return name + "=" + value + "; Max-Age=" + Math.max(0, maxAgeSeconds) + "; Path=" + path
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Every value the request's cookies give {@code name} (Netty's decodeAll keeps a name given twice). */
    static List<String> values(HttpServerRequest request, String name) {
        return request.headers().getAll(HttpHeaderNames.COOKIE).stream()
                .flatMap(header -> ServerCookieDecoder.LAX.decodeAll(header).stream())
                .filter(cookie -> cookie.name().equals(name))
                .map(Cookie::value)
                .toList();
    }
}
