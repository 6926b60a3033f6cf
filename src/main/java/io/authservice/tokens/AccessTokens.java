package io.authservice.tokens;

import io.authservice.config.TokensConfig;
import io.authservice.keys.KeyRing;
import io.authservice.keys.SigningKey;
import io.authservice.platform.BoundedWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Signs access tokens (RFC 9068 claims, MicroProfile JWT {@code groups}/{@code upn}) with the
 * active key.
 */
@Singleton
public class AccessTokens {

    private final KeyRing keys;
    private final TokensConfig config;
    private final BoundedWorker signer;

    private final Timer timer;
    private final String issuer;
    private final String typ;

    AccessTokens(KeyRing keys, TokensConfig config, MeterRegistry metrics) {
        this.timer =
                Timer.builder("auth.token.issuance")
                        .description("Signing one access token")
                        .register(metrics);
        this.keys = keys;
        this.config = config;
        this.issuer = config.issuer();
        this.typ = config.tokens().accessTokenTyp();
        int cores = Runtime.getRuntime().availableProcessors();
        this.signer = new BoundedWorker("token-signing", cores, 1024);
    }

    /**
     * What an access token says. A user's token names the user, its roles and its session ({@code
     * sid}); a client's own token (client_credentials) has {@code sub} = the client_id and none of
     * those.
     */
    public record Content(
            String subject,
            String username,
            List<String> roles,
            UUID sessionId,
            String clientId,
            String scope,
            List<String> audience,
            Duration lifespan) {

        public static Content user(
                Subject user,
                UUID sessionId,
                String clientId,
                String scope,
                List<String> audience,
                Duration lifespan) {
            return new Content(
                    user.id().toString(),
                    user.username(),
                    user.roles(),
                    sessionId,
                    clientId,
                    scope,
                    audience,
                    lifespan);
        }

        public static Content client(
                String clientId, String scope, List<String> audience, Duration lifespan) {
            return new Content(clientId, null, null, null, clientId, scope, audience, lifespan);
        }
    }

    /** The lifetime of access tokens of clients that do not set their own. */
    public Duration defaultLifespan() {
        return config.tokens().accessTokenLifespan();
    }

    /** An access token and the key that signed it (null when keys come from files). */
    public record Signed(String token, String kid) {}

    /** Signs on a worker thread: an RSA signature costs about a millisecond of CPU. */
    public Uni<String> issue(Content content) {
        return issueSigned(content).map(Signed::token);
    }

    /**
     * {@link #issue}, naming the key, for a session that must not outlive that key's withdrawal.
     */
    public Uni<Signed> issueSigned(Content content) {
        return signer.submit(
                () ->
                        timer.record(
                                () -> {
                                    SigningKey key = keys.activeKey();
                                    return new Signed(
                                            sign(
                                                    content,
                                                    issuer,
                                                    typ,
                                                    key,
                                                    System.currentTimeMillis() / 1000),
                                            keys.managedByFiles() ? null : key.kid());
                                }));
    }

    /**
     * jose4j directly rather than smallrye-jwt's builder, which reads its configuration properties
     * at every signature (a tenth of a client_credentials request in a profile). Public for
     * bench/signing.sh, which measures this very code.
     */
    public static String sign(
            Content content, String issuer, String typ, SigningKey key, long now) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(content.subject());
        claims.setAudience(content.audience());
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + content.lifespan().toSeconds()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("client_id", content.clientId());
        claims.setClaim("scope", content.scope());
        if (content.username() != null) {
            claims.setStringListClaim("groups", List.copyOf(new LinkedHashSet<>(content.roles())));
            claims.setClaim("upn", content.username());
            claims.setClaim("preferred_username", content.username());
        }
        if (content.sessionId() != null) {
            claims.setClaim("sid", content.sessionId().toString());
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(key.algorithm());
        jws.setKeyIdHeaderValue(key.kid());
        jws.setHeader("typ", typ);
        jws.setKey(key.privateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
    }

    @PreDestroy
    void close() {
        signer.close();
    }
}
