package io.authservice.platform.crypto;

/**
 * One implementation of Argon2id (RFC 9106, version 0x13): the raw hash of a password. Every
 * implementation gives the same bytes for the same inputs, so stored hashes verify with either.
 */
public interface Argon2Engine {

    /** A name for the start log, e.g. {@code libargon2 (JNA)}. */
    String name();

    byte[] derive(
            byte[] password,
            byte[] salt,
            int memoryKib,
            int iterations,
            int parallelism,
            int length);
}
