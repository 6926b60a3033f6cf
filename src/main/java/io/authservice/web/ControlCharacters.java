package io.authservice.web;

import java.util.regex.Pattern;

/**
 * Text a client sends may not hold control characters (PostgreSQL refuses NUL outright; the others
 * have no place in names, passwords or tokens) nor lone surrogates, which have no UTF-8 form.
 */
public final class ControlCharacters {

    /** For {@code @Pattern}: text without any of them. */
    public static final String NONE = "[^\\p{Cc}\\p{Cs}]*";
    public static final String MESSAGE = "may not contain control characters";

    private static final Pattern ANY = Pattern.compile("[\\p{Cc}\\p{Cs}]");

    private ControlCharacters() {}

    public static boolean in(String text) {
        return ANY.matcher(text).find();
    }
}
