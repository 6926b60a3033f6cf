package io.authservice.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;

/**
 * The service's cookies ({@link DeviceCookie}, {@link RefreshCookie}): their attributes ({@code
 * HttpOnly; SameSite=Strict}, and {@code Secure} with the {@code __Secure-} name prefix when
 * secure) and how they are read, in one place. Which cookie is secure when is each one's own rule:
 * the refresh cookie always (it serves browsers only, which count http://localhost as secure too);
 * the device cookie when the issuer is https (it also serves clients of a plain-http deployment
 * that keep cookies in a jar, which send a {@code Secure} cookie over https only).
 */
record Cookies(boolean secure) {

    static Cookies forIssuer(String issuer) {
        return new Cookies(issuer.toLowerCase(Locale.ROOT).startsWith("https:"));
    }

    /**
     * {@code base}, with the {@code __Secure-} prefix when secure (browsers then accept it only
     * with {@code Secure}).
     */
    String name(String base) {
        return secure ? "__Secure-" + base : base;
    }

    /**
     * The {@code Set-Cookie} value for {@code name}, with the rule's attributes and {@code path}.
     */
    String set(String name, String value, long maxAgeSeconds, String path) {
        return name
                + "="
                + value
                + "; Max-Age="
                + Math.max(0, maxAgeSeconds)
                + "; Path="
                + path
                + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /**
     * Every value the request's cookies give {@code name} (Netty's decodeAll keeps a name given
     * twice).
     */
    static List<String> values(HttpServerRequest request, String name) {
        return request.headers().getAll(HttpHeaderNames.COOKIE).stream()
                .flatMap(header -> ServerCookieDecoder.LAX.decodeAll(header).stream())
                .filter(cookie -> cookie.name().equals(name))
                .map(Cookie::value)
                .toList();
    }
}
