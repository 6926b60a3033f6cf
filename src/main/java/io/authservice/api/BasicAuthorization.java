package io.authservice.api;

import io.authservice.clients.ClientAuthentication.Basic;
import io.authservice.platform.ControlCharacters;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The client credentials of an HTTP Basic {@code Authorization} header (RFC 6749 §2.3.1): id and
 * secret are each form-url-encoded, then joined by a colon and base64-encoded. Credentials that do
 * not decode are still Basic credentials: client authentication refuses them, after checking that
 * the request uses one method only.
 */
final class BasicAuthorization {

    private static final String SCHEME = "Basic ";

    private BasicAuthorization() {}

    /** The decoded credentials, or null if the header is absent or of another scheme. */
    static Basic read(String authorization) {
        if (authorization == null
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        try {
            byte[] decoded =
                    Base64.getDecoder().decode(authorization.substring(SCHEME.length()).trim());
            String pair =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(decoded))
                            .toString();
            int colon = pair.indexOf(':');
            if (colon < 1) {
                return Basic.unreadable("the Basic credentials are not client_id:client_secret");
            }
            String id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            if (id.isEmpty() || secret.isEmpty() || ControlCharacters.in(id + secret)) {
                return Basic.unreadable("the Basic credentials are not client_id:client_secret");
            }
            return Basic.of(id, secret);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Basic.unreadable(
                    "the Basic credentials are not base64 of form-url-encoded id and secret");
        }
    }
}
