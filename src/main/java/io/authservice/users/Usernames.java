package io.authservice.users;

import java.text.Normalizer;
import java.util.Locale;

/** Usernames are compared and stored in one form: NFKC, trimmed, lower case. */
public final class Usernames {

    public static final int MAX_LENGTH = 64;

    private Usernames() {}

    public static String normalize(String username) {
        return Normalizer.normalize(username.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
