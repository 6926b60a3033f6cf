package io.authservice.oauth;

import io.authservice.web.ApiError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cookie that carries the refresh token of a cookie-mode public client ({@code refresh_token_mode:
 * cookie}): its name and attributes live here and nowhere else. The cookie is only a transport; the
 * token in it is the same opaque refresh token, rotated, checked for reuse and retried as in body mode.
 *
 * <ul>
 * <li>{@code HttpOnly}: no script of the page reads it, so a cross-site scripting bug cannot steal the
 * session, only use it while the page is open.
 * <li>{@code Secure; SameSite=Strict}: sent only over https (browsers count http://localhost and
 * http://127.0.0.1 as secure too) and only by pages of the same site; a page of another site cannot
 * make the browser send it. Pages of the same site but another origin can, which is why every request
 * that uses it must also carry an {@code Origin} the client allows (OAuthResource).
 * <li>{@code Path=/oauth2/}: it goes to the token and revocation endpoints, not to {@code /users/*} or
 * anything else of this host. That is why the name has the {@code __Secure-} prefix (the browser
 * accepts it only with {@code Secure}, from a secure origin, so a plain-http page cannot set or
 * overwrite it) and not {@code __Host-}, which would also forbid {@code Domain} but requires
 * {@code Path=/} (RFC 6265bis §4.1.3.2). A sibling host of the site could still set a cookie of this
 * name with {@code Domain}; a request carrying the name twice is therefore refused rather than guessed.
 * <li>{@code Max-Age}: the token's own lifetime, the idle lifetime capped by the family's absolute one
 * ({@code refresh_expires_in}); a revocation clears it with {@code Max-Age=0}.
 * </ul>
 *
 * One cookie per client ({@link #name}), so two frontends of one site do not log each other out.
 */
final class RefreshCookie {

    static final String PATH = "/oauth2/";
    private static final String ATTRIBUTES = "; Path=" + PATH + "; Secure; HttpOnly; SameSite=Strict";
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private RefreshCookie() {}

    /** {@code __Secure-refresh-<client_id>}, or a hash of the id when it has characters a cookie name cannot. */
    static String name(String clientId) {
        if (PLAIN_ID.matcher(clientId).matches()) {
            return "__Secure-refresh-" + clientId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clientId.getBytes(StandardCharsets.UTF_8));
            return "__Secure-refresh~" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code Set-Cookie} value that hands {@code token} to the browser for {@code maxAgeSeconds}. */
    static String set(String clientId, String token, long maxAgeSeconds) {
        return name(clientId) + "=" + token + "; Max-Age=" + Math.max(0, maxAgeSeconds) + ATTRIBUTES;
    }

    /** The {@code Set-Cookie} value that removes the cookie. */
    static String clear(String clientId) {
        return name(clientId) + "=; Max-Age=0" + ATTRIBUTES;
    }

    /** The refresh token the request's cookie carries for {@code clientId}, if any. */
    static Optional<String> read(HttpServerRequest request, String clientId) {
        String name = name(clientId);
        // Netty's decodeAll keeps a name given twice (Vert.x' cookie map would keep one of them).
        List<String> values = request.headers().getAll(HttpHeaderNames.COOKIE).stream()
                .flatMap(header -> ServerCookieDecoder.LAX.decodeAll(header).stream())
                .filter(cookie -> cookie.name().equals(name))
                .map(Cookie::value)
                .toList();
        if (values.size() > 1) {
            throw ApiError.invalidRequest("the refresh-token cookie is present more than once");
        }
        return values.stream().filter(value -> !value.isEmpty()).findFirst();
    }
}
