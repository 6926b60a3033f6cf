package io.authservice.oauth;

import io.authservice.platform.Failure;
import java.util.Optional;

/**
 * The fields of a token request that the grants read, each null when absent; the endpoint reads
 * them from the body (and the cookies). Which of them a grant needs is the grant's concern.
 */
public record GrantRequest(
        String grantType,
        String username,
        String password,
        String refreshToken,
        String scope,
        String deviceToken) {

    Optional<String> requestedScope() {
        return Optional.ofNullable(scope);
    }

    /** A field the grant cannot do without: {@code invalid_request} when it is absent. */
    static String required(String value, String name) {
        if (value == null) {
            throw Failure.invalidRequest("missing parameter: " + name);
        }
        return value;
    }
}
