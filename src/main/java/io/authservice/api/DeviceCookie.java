package io.authservice.api;

import io.authservice.oauth.PasswordGrant;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * How a device token ({@code passwords.KnownDevices}) travels: in the password grant's answer as
 * {@code device_token}, which a frontend that posts credentials sends back as a field of its next
 * password grant, and in a cookie scoped to the token endpoint ({@code auth-device}, under the rule
 * of {@link Cookies}), which a browser sends back by itself.
 */
final class DeviceCookie {

    /** The request field and answer member that carry the token. */
    static final String FIELD = PasswordGrant.DEVICE_TOKEN;

    private static final String PATH = "/oauth2/token";

    private final Cookies cookies;
    private final String name;

    DeviceCookie(Cookies cookies) {
        this.cookies = cookies;
        this.name = cookies.name("auth-device");
    }

    String set(String token, long maxAgeSeconds) {
        return cookies.set(name, token, maxAgeSeconds, PATH);
    }

    /** The token the request's cookie carries, unless it is absent or given more than once. */
    Optional<String> read(HttpServerRequest request) {
        List<String> values = Cookies.values(request, name);
        return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }
}
