package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code auth.passwords.*}: Argon2id's cost (OWASP Password Storage Cheat Sheet: m=19 MiB, t=2,
 * p=1) and the hashing pool.
 */
@ConfigMapping(prefix = "auth.passwords")
public interface PasswordsConfig {
    @WithDefault("19456")
    int argon2MemoryKib();

    @WithDefault("2")
    int argon2Iterations();

    @WithDefault("1")
    int argon2Parallelism();

    /**
     * Threads that hash passwords; each Argon2id hash holds one of them for tens of ms. Twice the
     * cores of the manifests' replica: one source has at most half of them, which then still keeps
     * every core busy.
     */
    @WithDefault("4")
    int hashingThreads();

    /** Hash jobs that may wait for a thread; beyond that requests get 429. */
    @WithDefault("64")
    int hashingQueue();

    /**
     * Hash jobs one source may have admitted at once, most of them waiting their turn in its own
     * line (which costs the others nothing); beyond that it gets 429.
     */
    @WithDefault("32")
    int hashingPerAddress();
}
