package io.authservice.users;

/** The password policy (NIST SP 800-63B: length, not composition rules). */
public final class Passwords {

    public static final int MIN_LENGTH = 8;
    /** Bounds the hashing input; long enough for any password manager. */
    public static final int MAX_LENGTH = 128;

    private Passwords() {}
}
