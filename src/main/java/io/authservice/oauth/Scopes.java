package io.authservice.oauth;

import io.authservice.platform.Failure;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Scope strings (RFC 6749 §3.3): space-separated, order kept, duplicates dropped. */
final class Scopes {

    private Scopes() {}

    /** The scope of a new grant: the requested scopes, all of them known, or every known scope. */
    static String requested(Optional<String> requested, Collection<String> supported) {
        return requested
                .map(r -> within(r, Set.copyOf(supported)))
                .orElseGet(() -> String.join(" ", supported));
    }

    /** The scope of a refresh: a subset of what was granted, or all of it (§6). */
    static String narrow(Optional<String> requested, String granted) {
        return requested
                .map(r -> within(r, Set.copyOf(Arrays.asList(granted.split(" ")))))
                .orElse(granted);
    }

    private static String within(String requested, Set<String> allowed) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : requested.split(" ")) {
            if (scope.isEmpty()) {
                continue;
            }
            if (!allowed.contains(scope)) {
                throw new Failure(Failure.Reason.INVALID_SCOPE, "scope not allowed here: " + scope);
            }
            scopes.add(scope);
        }
        if (scopes.isEmpty()) {
            throw new Failure(Failure.Reason.INVALID_SCOPE, "the scope is empty");
        }
        return String.join(" ", scopes);
    }
}
