package io.authservice.tokens;

import io.authservice.config.AuthConfig;
import io.authservice.keys.KeyRing;
import io.authservice.keys.SigningKey;
import io.authservice.web.BoundedWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashSet;
import java.util.UUID;

/** Signs access tokens (RFC 9068 claims, MicroProfile JWT {@code groups}/{@code upn}) with the active key. */
@Singleton
public class AccessTokens {

    private final KeyRing keys;
    private final AuthConfig config;
    private final BoundedWorker signer;

    private final Timer timer;

    AccessTokens(KeyRing keys, AuthConfig config, MeterRegistry metrics) {
        this.timer = Timer.builder("auth.token.issuance").description("Signing one access token").register(metrics);
        this.keys = keys;
        this.config = config;
        int cores = Runtime.getRuntime().availableProcessors();
        this.signer = new BoundedWorker("token-signing", cores, 1024);
    }

    /**
     * What an access token says. A user's token names the user, its roles and its session (the refresh
     * family, {@code sid}); a client's own token (client_credentials) has {@code sub} = the client_id
     * and none of those.
     */
    public record Content(String subject, String username, List<String> roles, UUID sessionId, String clientId,
            String scope, List<String> audience, Duration lifespan) {

        public static Content user(Subject user, UUID sessionId, String clientId, String scope, List<String> audience,
                Duration lifespan) {
            return new Content(user.id().toString(), user.username(), user.roles(), sessionId, clientId, scope,
                    audience, lifespan);
        }

        public static Content client(String clientId, String scope, List<String> audience, Duration lifespan) {
            return new Content(clientId, null, null, null, clientId, scope, audience, lifespan);
        }
    }

    /** The lifetime of access tokens of clients that do not set their own. */
    public Duration defaultLifespan() {
        return config.tokens().accessTokenLifespan();
    }

    /** Signs on a worker thread: an RSA signature costs about a millisecond of CPU. */
    public Uni<String> issue(Content content) {
        return signer.submit(() -> timer.record(() -> sign(content)));
    }

    private String sign(Content content) {
        SigningKey key = keys.activeKey();
        Instant now = Instant.now();
        JwtClaimsBuilder claims = Jwt.issuer(config.issuer())
                .subject(content.subject())
                .audience(new HashSet<>(content.audience()))
                .issuedAt(now)
                .expiresAt(now.plus(content.lifespan()))
                .claim("jti", UUID.randomUUID().toString())
                .claim("client_id", content.clientId())
                .claim("scope", content.scope());
        if (content.username() != null) {
            claims.groups(new HashSet<>(content.roles()))
                    .upn(content.username())
                    .preferredUserName(content.username());
        }
        if (content.sessionId() != null) {
            claims.claim("sid", content.sessionId().toString());
        }
        return claims.jws()
                .algorithm(SignatureAlgorithm.fromAlgorithm(key.algorithm()))
                .keyId(key.kid())
                .header("typ", config.tokens().accessTokenTyp())
                .sign(key.privateKey());
    }

    @PreDestroy
    void close() {
        signer.close();
    }
}
