package io.authservice.oauth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * How a device token ({@code passwords.KnownDevices}) travels: in the password grant's answer as
 * {@code device_token}, which a frontend that posts credentials sends back as a field of its next
 * password grant, and in an {@code HttpOnly; SameSite=Strict} cookie scoped to the token endpoint,
 * which a browser sends back by itself. {@code Secure} (and the {@code __Secure-} name) when the
 * issuer is https: a client of a plain-http test deployment keeps its cookie too.
 */
final class DeviceCookie {

    /** The request field and answer member that carry the token. */
    static final String FIELD = "device_token";

    private final String name;
    private final String attributes;

    DeviceCookie(String issuer) {
        boolean secure = issuer.startsWith("https:");
        this.name = secure ? "__Secure-auth-device" : "auth-device";
        this.attributes = "; Path=/oauth2/token; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    String set(String token, long maxAgeSeconds) {
        return name + "=" + token + "; Max-Age=" + maxAgeSeconds + attributes;
    }

    /** The token the request's cookie carries, unless it is absent or given more than once. */
    Optional<String> read(HttpServerRequest request) {
        List<String> values = request.headers().getAll(HttpHeaderNames.COOKIE).stream()
                .flatMap(header -> ServerCookieDecoder.LAX.decodeAll(header).stream())
                .filter(cookie -> cookie.name().equals(name))
                .map(Cookie::value)
                .toList();
        return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }
}
