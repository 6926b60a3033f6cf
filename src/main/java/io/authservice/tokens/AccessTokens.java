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
import java.time.Instant;
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

    public long lifespanSeconds() {
        return config.tokens().accessTokenLifespan().toSeconds();
    }

    /** Signs on a worker thread: an RSA signature costs about a millisecond of CPU. */
    public Uni<String> issue(Subject subject, String clientId, String scope) {
        return signer.submit(() -> timer.record(() -> sign(subject, clientId, scope)));
    }

    private String sign(Subject subject, String clientId, String scope) {
        SigningKey key = keys.activeKey();
        Instant now = Instant.now();
        return Jwt.issuer(config.issuer())
                .subject(subject.id().toString())
                .audience(new HashSet<>(config.tokens().audience()))
                .issuedAt(now)
                .expiresAt(now.plus(config.tokens().accessTokenLifespan()))
                .claim("jti", UUID.randomUUID().toString())
                .claim("client_id", clientId)
                .claim("scope", scope)
                .groups(new HashSet<>(subject.roles()))
                .upn(subject.username())
                .preferredUserName(subject.username())
                .jws()
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
