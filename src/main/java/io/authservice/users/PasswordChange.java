package io.authservice.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /users/me/password}. */
public record PasswordChange(
        @JsonProperty("current_password") @NotNull @Size(max = Passwords.MAX_LENGTH) String currentPassword,
        @JsonProperty("new_password") @NotNull @Size(min = Passwords.MIN_LENGTH, max = Passwords.MAX_LENGTH)
        String newPassword) {}
