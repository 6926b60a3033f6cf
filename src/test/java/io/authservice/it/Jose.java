package io.authservice.it;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.util.Set;

/**
 * An independent verifier (Nimbus, default settings) holding one fetched JWKS and never refetching
 * it.
 */
final class Jose {

    private Jose() {}

    static JWTClaimsSet verify(String token, JWKSet jwks, String algorithm) throws Exception {
        if (algorithm.equals("EdDSA")) {
            return verifyEd25519(token, jwks);
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(
                        JWSAlgorithm.parse(algorithm), new ImmutableJWKSet<>(jwks)));
        processor.setJWTClaimsSetVerifier(claimsVerifier());
        return processor.process(token, null);
    }

    /**
     * Nimbus' JWT processor selects only RSA, EC and HMAC keys; for Ed25519 it offers the verifier
     * alone (through Tink), so the steps are done here: key by kid, signature, then the same claims
     * checks.
     */
    private static JWTClaimsSet verifyEd25519(String token, JWKSet jwks) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!JWSAlgorithm.EdDSA.equals(jwt.getHeader().getAlgorithm())) {
            throw new IllegalStateException("not EdDSA: " + jwt.getHeader().getAlgorithm());
        }
        OctetKeyPair key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID()).toOctetKeyPair();
        if (!jwt.verify(new Ed25519Verifier(key))) {
            throw new IllegalStateException("bad Ed25519 signature");
        }
        claimsVerifier().verify(jwt.getJWTClaimsSet(), null);
        return jwt.getJWTClaimsSet();
    }

    private static DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier() {
        return new DefaultJWTClaimsVerifier<>(
                "api",
                new JWTClaimsSet.Builder().issuer("https://auth.example.com").build(),
                Set.of("sub", "exp", "iat", "jti"));
    }

    /** When a token expires, in epoch milliseconds. */
    static long verifyExpiry(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime();
    }

    static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    static String field(String json, String name) {
        var matcher =
                java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"")
                        .matcher(json);
        return matcher.find() ? matcher.group(1) : null;
    }
}
