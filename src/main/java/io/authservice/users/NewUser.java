package io.authservice.users;

import io.authservice.platform.ControlCharacters;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /users}. */
@FollowsPasswordPolicy
public record NewUser(
        @NotBlank
                @Size(min = 3, max = Usernames.MAX_LENGTH)
                @Pattern(
                        regexp = "[\\p{L}\\p{N}._@+-]*",
                        message = "may contain only letters, digits and . _ @ + -")
                @UsernameForm
                String username,
        @NotNull
                @Size(max = PasswordPolicy.MAX_LENGTH)
                @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                String password,
        @Email
                @Size(max = 254)
                @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                String email) {}
