package io.authservice.users;

import jakarta.inject.Inject;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The password follows the {@link PasswordPolicy}: on {@link NewUser}, with its username, reported
 * as a violation of {@code password}; on a password field alone, without one (the use case checks
 * it). The validators are beans: the policy is injected.
 */
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(
        validatedBy = {
            FollowsPasswordPolicy.Validator.class,
            FollowsPasswordPolicy.ForPassword.class
        })
public @interface FollowsPasswordPolicy {

    String message() default "does not follow the password policy";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class ForPassword implements ConstraintValidator<FollowsPasswordPolicy, String> {
        @Inject PasswordPolicy policy;

        @Override
        public boolean isValid(String password, ConstraintValidatorContext context) {
            if (password == null) {
                return true; // @NotNull reports it
            }
            return policy.problem(password, null)
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

    class Validator implements ConstraintValidator<FollowsPasswordPolicy, NewUser> {
        @Inject PasswordPolicy policy;

        @Override
        public boolean isValid(NewUser user, ConstraintValidatorContext context) {
            if (user == null || user.password() == null) {
                return true; // @NotNull reports it
            }
            return policy.problem(user.password(), user.username())
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
