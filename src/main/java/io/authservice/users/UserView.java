package io.authservice.users;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
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
        @JsonProperty("created_at") Instant createdAt) {

    static UserView of(User user) {
        return new UserView(user.id, user.username, user.email, user.roleList(), user.enabled, user.createdAt);
    }
}
