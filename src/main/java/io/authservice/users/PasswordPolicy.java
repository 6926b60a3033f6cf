package io.authservice.users;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The password follows {@link Passwords}: on {@link NewUser}, with its username, reported as a
 * violation of {@code password}; on a password field alone, without one (the service checks it).
 */
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {PasswordPolicy.Validator.class, PasswordPolicy.ForPassword.class})
public @interface PasswordPolicy {

    String message() default "does not follow the password policy";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class ForPassword implements ConstraintValidator<PasswordPolicy, String> {
        @Override
        public boolean isValid(String password, ConstraintValidatorContext context) {
            if (password == null) {
                return true; // @NotNull reports it
            }
            return Passwords.problem(password, null)
                    .map(
                            problem -> {
                                context.disableDefaultConstraintViolation();
                                context.buildConstraintViolationWithTemplate(problem)
                                        .addConstraintViolation();
                                return false;
                            })
                    .orElse(true);
        }
    }

    class Validator implements ConstraintValidator<PasswordPolicy, NewUser> {
        @Override
        public boolean isValid(NewUser user, ConstraintValidatorContext context) {
            if (user == null || user.password() == null) {
                return true; // @NotNull reports it
            }
            return Passwords.problem(user.password(), user.username())
                    .map(
                            problem -> {
                                context.disableDefaultConstraintViolation();
                                context.buildConstraintViolationWithTemplate(problem)
                                        .addPropertyNode("password")
                                        .addConstraintViolation();
                                return false;
                            })
                    .orElse(true);
        }
    }
}
