package io.authservice.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.authservice.platform.ControlCharacters;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /users/me/password}. */
public record PasswordChange(
        @JsonProperty("current_password")
                @NotNull
                @Size(max = PasswordPolicy.MAX_LENGTH)
                @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                String currentPassword,
        @JsonProperty("new_password")
                @NotNull
                @Size(max = PasswordPolicy.MAX_LENGTH)
                @FollowsPasswordPolicy
                @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                String newPassword) {}
