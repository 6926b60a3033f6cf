package io.authservice.passwords;

import java.security.GeneralSecurityException;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

/** Verifies imported bcrypt hashes ({@code $2a$}, {@code $2b$}, {@code $2y$}) with Elytron. */
final class Bcrypt {

    /** bcrypt reads no more of a password than this (UTF-8 bytes). */
    static final int MAX_BYTES = 72;

    private static final WildFlyElytronPasswordProvider PROVIDER =
            WildFlyElytronPasswordProvider.getInstance();

    private Bcrypt() {}

    static boolean handles(String encoded) {
        return encoded.startsWith("$2a$")
                || encoded.startsWith("$2b$")
                || encoded.startsWith("$2y$");
    }

    static boolean verify(String password, String encoded) {
        // $2b$ and $2y$ name the same algorithm as a correct $2a$; Elytron's decoder knows $2a$.
        String normalized = "$2a$" + encoded.substring(4);
        try {
            PasswordFactory factory =
                    PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
            Password stored = factory.translate(ModularCrypt.decode(normalized));
            return factory.verify(stored, password.toCharArray());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
