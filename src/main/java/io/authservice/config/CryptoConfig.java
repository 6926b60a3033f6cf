package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code auth.crypto.*}: native cryptography. */
@ConfigMapping(prefix = "auth.crypto")
public interface CryptoConfig {
    /**
     * Whether AWS-LC (the Amazon Corretto Crypto Provider, first JCA provider) and libargon2 are
     * used where they load; {@code false} keeps the JDK's providers and Bouncy Castle's Argon2id,
     * as the native executable always does. Hashes and signatures are the same either way.
     */
    @WithDefault("true")
    boolean nativeLibraries();
}
