package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code auth.keys.*}: signing keys, their source, sealing and rotation. */
@ConfigMapping(prefix = "auth.keys")
public interface KeysConfig {
    /** Algorithm of new keys: RS256, PS256, ES256 or EdDSA. */
    @WithDefault("RS256")
    String algorithm();

    /**
     * Where keys come from: {@code database} (generated, rotated automatically) or {@code files}.
     */
    @WithDefault("database")
    String source();

    /** With {@code source=files}: the directory of key files (a mounted Secret). */
    Optional<String> filesDir();

    /** Base64 of 32 random bytes; private signing keys are sealed with it (AES-256-GCM). */
    String encryptionKey();

    /**
     * Earlier KEKs, still accepted for opening keys until they are re-sealed under the current one.
     */
    Optional<List<String>> previousEncryptionKeys();

    @WithDefault("PT5M")
    Duration jwksMaxAge();

    /** How long a key signs before the next one takes over. */
    @WithDefault("P30D")
    Duration rotationPeriod();

    /** How long a next key is published before it signs; at least {@code jwks-max-age}. */
    @WithDefault("PT1H")
    Duration publishLeadTime();

    /** Extra time a retired key stays published after the last token it signed has expired. */
    @WithDefault("PT5M")
    Duration retireLeeway();

    /** How often each replica reloads the keys and checks whether a transition is due. */
    @WithDefault("PT10S")
    Duration refreshInterval();
}
