package io.authservice.bench;

import io.authservice.keys.SigningKey;
import io.authservice.platform.crypto.NativeCrypto;
import io.authservice.tokens.AccessTokens;
import io.authservice.tokens.AccessTokens.Content;
import io.authservice.tokens.Subject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Access-token signatures and verifications per second, one thread, for each algorithm, through the
 * service's own signing code (jose4j) and jose4j to verify, first with the JDK's providers, then
 * with the Amazon Corretto Crypto Provider (AWS-LC) registered first as the service does at start.
 * Run by bench/signing.sh; argument: seconds per measurement (default 3).
 */
public final class SigningBenchmark {

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        System.out.printf(
                "java %s, %d cores, one thread, %.0f s per figure%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf("%-8s %-6s %12s %12s%n", "provider", "alg", "signs/s", "verifies/s");
        measure("JDK", seconds);
        String accp = NativeCrypto.installProvider();
        if (accp.startsWith("the JDK's")) {
            System.out.println(accp);
        } else {
            measure("AWS-LC", seconds);
        }
    }

    private static void measure(String provider, double seconds) throws Exception {
        for (String alg : new String[] {"RS256", "PS256", "ES256", "EdDSA"}) {
            KeyPair pair = pair(alg);
            String token = sign(alg, pair);
            JwtConsumer consumer =
                    new JwtConsumerBuilder()
                            .setVerificationKey(pair.getPublic())
                            .setJwsAlgorithmConstraints(
                                    AlgorithmConstraints.ConstraintType.PERMIT, alg)
                            .setExpectedAudience("api")
                            .build();
            rate(() -> sign(alg, pair), seconds / 3);
            double signs = rate(() -> sign(alg, pair), seconds);
            rate(() -> consumer.process(token), seconds / 3);
            double verifies = rate(() -> consumer.process(token), seconds);
            System.out.printf("%-8s %-6s %12.0f %12.0f%n", provider, alg, signs, verifies);
        }
    }

    interface Work {
        Object run() throws Exception;
    }

    private static double rate(Work work, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long count = 0;
        while (System.nanoTime() < end) {
            work.run();
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static String sign(String alg, KeyPair pair) {
        Content content =
                Content.user(
                        new Subject(UUID.randomUUID(), "alice", List.of("user")),
                        UUID.randomUUID(),
                        "web",
                        "openid profile email",
                        List.of("api"),
                        Duration.ofMinutes(5));
        SigningKey key =
                new SigningKey(
                        "k",
                        alg,
                        SigningKey.KeyState.ACTIVE,
                        pair.getPublic(),
                        pair.getPrivate(),
                        null,
                        null);
        return AccessTokens.sign(
                content, "https://auth.example.com", "JWT", key, System.currentTimeMillis() / 1000);
    }

    private static KeyPair pair(String alg) throws Exception {
        switch (alg) {
            case "ES256":
                {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    return g.generateKeyPair();
                }
            case "EdDSA":
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            default:
                {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    return g.generateKeyPair();
                }
        }
    }
}
