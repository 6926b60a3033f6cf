package io.authservice.platform.crypto;

import io.authservice.config.CryptoConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.flyway.FlywayConfigurationCustomizer;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jboss.logging.Logger;

/**
 * Chooses at start between native and pure-Java cryptography, once per process.
 *
 * <ul>
 *   <li>JCA provider: the Amazon Corretto Crypto Provider (AWS-LC) registered first when its native
 *       library loads and its self-tests pass, so RSA/ECDSA/EdDSA signatures (smallrye-jwt,
 *       jose4j), digests, MACs, AES-GCM and key factories run in AWS-LC; otherwise the JDK's
 *       providers.
 *   <li>Argon2id: libargon2 (through JNA) when it loads and hashes a known vector exactly as Bouncy
 *       Castle does; otherwise Bouncy Castle.
 * </ul>
 *
 * Both native paths are loaded by class name only, so the native executable never reaches them and
 * uses the JDK and Bouncy Castle, as does {@code auth.crypto.native-libraries=false}. Hashes and
 * signatures are the same either way.
 */
@Singleton
public class NativeCrypto {

    private static final Logger LOG = Logger.getLogger(NativeCrypto.class);
    static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    static final String LIBARGON2 = "io.authservice.platform.crypto.LibArgon2";

    /**
     * What was chosen; loading the libraries and AWS-LC's self-tests take seconds of CPU on a busy
     * machine.
     */
    private record Choice(String provider, Argon2Engine argon2, long loadMillis) {}

    private final CompletableFuture<Choice> choice;

    @Inject
    NativeCrypto(CryptoConfig config) {
        this(config.nativeLibraries());
    }

    /** Begins loading on its own thread; {@link #provider()} and {@link #argon2()} wait for it. */
    NativeCrypto(boolean wanted) {
        if (!wanted || inNativeImage()) {
            String why = wanted ? " (native executable)" : " (auth.crypto.native-libraries=false)";
            choice =
                    CompletableFuture.completedFuture(
                            new Choice("the JDK's" + why, new BouncyCastleArgon2(why), 0));
            return;
        }
        choice =
                CompletableFuture.supplyAsync(
                        NativeCrypto::load,
                        runnable -> {
                            Thread thread = new Thread(runnable, "native-crypto-load");
                            thread.setDaemon(true);
                            thread.start();
                        });
    }

    private static Choice load() {
        long begin = System.nanoTime();
        String provider = installProvider(ACCP);
        Argon2Engine argon2 = argon2(true);
        return new Choice(provider, argon2, (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Made when Flyway is configured, before the migrations run (at run time, in the native
     * executable too), so that loading overlaps them: start is seconds shorter than loading at
     * {@code StartupEvent}. It changes nothing in Flyway's configuration.
     */
    @Singleton
    @Unremovable
    static class EarlyStart implements FlywayConfigurationCustomizer {
        EarlyStart(NativeCrypto crypto) {}

        @Override
        public void customize(FluentConfiguration configuration) {}
    }

    /**
     * Before every other start observer (the key ring decodes its keys with the first provider).
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        Choice chosen = choice.join();
        LOG.infof(
                "crypto: JCA provider first: %s; Argon2id: %s (loaded in %d ms)",
                chosen.provider(), chosen.argon2().name(), chosen.loadMillis());
    }

    /** The first JCA provider chosen at start, for the log. */
    String provider() {
        return choice.join().provider();
    }

    /** The Argon2id implementation chosen at start. */
    public Argon2Engine argon2() {
        return choice.join().argon2();
    }

    static boolean inNativeImage() {
        return System.getProperty("org.graalvm.nativeimage.imagecode") != null;
    }

    /**
     * Registers the Amazon Corretto Crypto Provider as the first JCA provider if it loads and
     * passes its self-tests (idempotent); returns what is in use and, if not it, why.
     */
    public static String installProvider() {
        return installProvider(ACCP);
    }

    static synchronized String installProvider(String className) {
        try {
            Class<?> type = Class.forName(className);
            Provider accp = (Provider) type.getField("INSTANCE").get(null);
            Throwable loading = (Throwable) type.getMethod("getLoadingError").invoke(accp);
            if (loading != null) {
                throw loading;
            }
            type.getMethod("assertHealthy")
                    .invoke(accp); // runs the self-tests, throws unless all pass
            if (Security.getProviders()[0] != accp) {
                Security.removeProvider(accp.getName());
                Security.insertProviderAt(accp, 1);
            }
            return accp.getName()
                    + " "
                    + type.getMethod("getVersionStr").invoke(accp)
                    + " ("
                    + type.getMethod("getAwsLcVersionStr").invoke(accp)
                    + ")";
        } catch (Throwable e) {
            Throwable cause =
                    e instanceof java.lang.reflect.InvocationTargetException i ? i.getCause() : e;
            return "the JDK's (Amazon Corretto Crypto Provider unavailable: " + cause + ")";
        }
    }

    /**
     * libargon2 if {@code nativeWanted} and it loads and passes its check; Bouncy Castle otherwise.
     */
    public static Argon2Engine argon2(boolean nativeWanted) {
        return nativeWanted && !inNativeImage() ? argon2(LIBARGON2) : new BouncyCastleArgon2();
    }

    /**
     * The Argon2id implementation of class {@code nativeClass} if it loads and derives a known
     * vector exactly as Bouncy Castle does; Bouncy Castle otherwise.
     */
    static Argon2Engine argon2(String nativeClass) {
        BouncyCastleArgon2 java = new BouncyCastleArgon2();
        try {
            Argon2Engine engine =
                    (Argon2Engine)
                            Class.forName(nativeClass).getDeclaredConstructor().newInstance();
            byte[] password = "self-test".getBytes(StandardCharsets.UTF_8);
            byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(
                    engine.derive(password, salt, 64, 2, 1, 32),
                    java.derive(password, salt, 64, 2, 1, 32))) {
                throw new IllegalStateException("its hash differs from Bouncy Castle's");
            }
            return engine;
        } catch (Throwable e) {
            Throwable cause =
                    e instanceof java.lang.reflect.InvocationTargetException i ? i.getCause() : e;
            return new BouncyCastleArgon2(" (libargon2 unavailable: " + cause + ")");
        }
    }
}
