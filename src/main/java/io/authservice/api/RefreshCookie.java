package io.authservice.api;

import io.authservice.platform.Failure;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cookie that carries the refresh token of a cookie-mode public client ({@code
 * refresh_token_mode: cookie}): its name and attributes live here and in {@link Cookies}, nowhere
 * else. The cookie is only a transport; the token in it is the same opaque refresh token, rotated,
 * checked for reuse and retried as in body mode.
 *
 * <ul>
 *   <li>{@code HttpOnly}: no script of the page reads it, so a cross-site scripting bug cannot
 *       steal the session, only use it while the page is open.
 *   <li>{@code Secure; SameSite=Strict}: sent only over https (browsers count http://localhost and
 *       http://127.0.0.1 as secure too) and only by pages of the same site; a page of another site
 *       cannot make the browser send it. Pages of the same site but another origin can, which is
 *       why every request that uses it must also carry an {@code Origin} the client allows
 *       (OAuthResource).
 *   <li>{@code Path=/oauth2/}: it goes to the token and revocation endpoints, not to {@code
 *       /users/*} or anything else of this host. That is why the name has the {@code __Secure-}
 *       prefix (the browser accepts it only with {@code Secure}, from a secure origin, so a
 *       plain-http page cannot set or overwrite it) and not {@code __Host-}, which would also
 *       forbid {@code Domain} but requires {@code Path=/} (RFC 6265bis §4.1.3.2). A sibling host of
 *       the site could still set a cookie of this name with {@code Domain}; a request carrying the
 *       name twice is therefore refused rather than guessed.
 *   <li>{@code Max-Age}: the token's own lifetime, the idle lifetime capped by the session's
 *       absolute one ({@code refresh_expires_in}); a revocation clears it with {@code Max-Age=0}.
 * </ul>
 *
 * One cookie per client ({@link #name}), so two frontends of one site do not log each other out.
 */
final class RefreshCookie {

    static final String PATH = "/oauth2/";
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Cookies cookies;

    RefreshCookie(Cookies cookies) {
        this.cookies = cookies;
    }

    /**
     * {@code __Secure-refresh-<client_id>}, or a hash of the id when it has characters a cookie
     * name cannot.
     */
    String name(String clientId) {
        if (PLAIN_ID.matcher(clientId).matches()) {
            return cookies.name("refresh-" + clientId);
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(clientId.getBytes(StandardCharsets.UTF_8));
            return cookies.name(
                    "refresh~"
                            + Base64.getUrlEncoder()
                                    .withoutPadding()
                                    .encodeToString(digest)
                                    .substring(0, 22));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The {@code Set-Cookie} value that hands {@code token} to the browser for {@code
     * maxAgeSeconds}.
     */
    String set(String clientId, String token, long maxAgeSeconds) {
        return cookies.set(name(clientId), token, maxAgeSeconds, PATH);
    }

    /** The {@code Set-Cookie} value that removes the cookie. */
    String clear(String clientId) {
        return cookies.set(name(clientId), "", 0, PATH);
    }

    /** The refresh token the request's cookie carries for {@code clientId}, if any. */
    Optional<String> read(HttpServerRequest request, String clientId) {
        List<String> values = Cookies.values(request, name(clientId));
        if (values.size() > 1) {
            throw Failure.invalidRequest("the refresh-token cookie is present more than once");
        }
        return values.stream().filter(value -> !value.isEmpty()).findFirst();
    }
}
