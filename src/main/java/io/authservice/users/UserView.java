package io.authservice.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.authservice.passwords.LoginThrottle;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A user as the API shows it: never the password hash. */
@RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
public record UserView(
        UUID id,
        String username,
        String email,
        List<String> roles,
        boolean enabled,
        @JsonProperty("created_at") Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("login_limit")
                LoginLimit loginLimit) {

    /**
     * For administrators: strangers' consecutive failed logins ({@code failures}) and, while the
     * account limit holds, when it ends ({@code limited_until}); known devices log in regardless.
     */
    @RegisterForReflection
    public record LoginLimit(
            int failures, boolean limited, @JsonProperty("limited_until") Instant limitedUntil) {}

    public static UserView of(User user) {
        return new UserView(
                user.id,
                user.username,
                user.email,
                user.roleList(),
                user.enabled,
                user.createdAt,
                null);
    }

    public UserView with(LoginThrottle.AccountLimit limit) {
        Instant until = limit.limitedUntil().map(OffsetDateTime::toInstant).orElse(null);
        return new UserView(
                id,
                username,
                email,
                roles,
                enabled,
                createdAt,
                new LoginLimit(limit.failures(), until != null, until));
    }
}
