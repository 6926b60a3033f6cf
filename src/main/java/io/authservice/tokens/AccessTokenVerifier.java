package io.authservice.tokens;

import io.authservice.config.TokensConfig;
import io.authservice.keys.KeyRing;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * How smallrye-jwt verifies bearer tokens on protected paths here: only against the service's own
 * published keys, looked up by {@code kid} with the algorithm each key was made for; {@code typ},
 * {@code iss}, {@code aud}, {@code exp}, {@code iat}, {@code sub} and {@code jti} are all required.
 * No header (jwk, jku, x5u, alg) chooses a key or an algorithm.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class AccessTokenVerifier extends JWTCallerPrincipalFactory {

    static final String[] ALGORITHMS = {"RS256", "PS256", "ES256", "EdDSA"};

    private final JwtConsumer consumer;

    AccessTokenVerifier(TokensConfig config, KeyRing keys) {
        this.consumer =
                builder(config, keys)
                        .setExpectedAudience(config.tokens().audience().toArray(String[]::new))
                        .build();
    }

    /**
     * Every check of this service's access tokens but the audience, which depends on who asks:
     * protected paths here want {@code auth.tokens.audience}, introspection takes any client's.
     */
    public static JwtConsumerBuilder builder(TokensConfig config, KeyRing keys) {
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(ConstraintType.PERMIT, ALGORITHMS)
                .setVerificationKeyResolver(
                        (jws, nesting) ->
                                keys.verificationKey(
                                        jws.getKeyIdHeaderValue(), jws.getAlgorithmHeaderValue()))
                .setExpectedType(true, config.tokens().accessTokenTyp())
                .setExpectedIssuer(config.issuer())
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds((int) config.tokens().clockSkew().toSeconds());
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo ignored)
            throws ParseException {
        try {
            return new DefaultJWTCallerPrincipal(
                    token, "JWT", consumer.process(token).getJwtClaims());
        } catch (InvalidJwtException e) {
            throw new ParseException("the access token is not valid", e);
        }
    }
}
