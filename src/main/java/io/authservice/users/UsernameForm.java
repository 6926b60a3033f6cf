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
 * The username as it will be stored ({@link Usernames#normalize}): at most 64 code points, letters
 * of one script. (The other checks of the raw name report what they find themselves.)
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = UsernameForm.Validator.class)
public @interface UsernameForm {

    String message() default
            "may mix no scripts (letters of one alphabet), and have at most 64 characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<UsernameForm, String> {
        @Override
        public boolean isValid(String username, ConstraintValidatorContext context) {
            if (username == null) {
                return true; // @NotBlank reports it
            }
            String name = Usernames.normalize(username);
            int length = name.codePointCount(0, name.length());
            return length <= Usernames.MAX_LENGTH && Usernames.singleScript(name);
        }
    }
}
