package io.authservice.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A verifier that knows only the JWKS URL, the issuer and the audience: Nimbus with its defaults.
 */
@QuarkusTest
class InteropTest {

    @TestHTTPResource("/.well-known/jwks.json")
    URL jwks;

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    @Test
    void nimbusVerifiesAccessTokensFromTheJwksAlone() throws Exception {
        String username = Api.newUser("interop");
        Tokens tokens = Api.tokens(username);

        JWTClaimsSet claims = processor().process(tokens.accessToken(), null);

        SignedJWT jwt = SignedJWT.parse(tokens.accessToken());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
        assertTrue(jwt.getHeader().getKeyID() != null);
        assertEquals(issuer, claims.getIssuer());
        assertEquals(List.of("api"), claims.getAudience());
        assertEquals(username, claims.getStringClaim("preferred_username"));
        assertEquals(username, claims.getStringClaim("upn"));
        assertEquals("web", claims.getStringClaim("client_id"));
        assertEquals("openid profile email", claims.getStringClaim("scope"));
        assertEquals(List.of("user"), claims.getStringListClaim("groups"));
        assertEquals(Api.me(tokens.accessToken()).path("id"), claims.getSubject());
        assertEquals(
                300,
                (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
        assertNotEquals(
                claims.getJWTID(),
                processor().process(Api.tokens(username).accessToken(), null).getJWTID());
    }

    @Test
    void aRefreshTokenIsNotAJwtAtAll() {
        Tokens tokens = Api.tokens(Api.newUser("interop-rt"));
        assertThrows(Exception.class, () -> processor().process(tokens.refreshToken(), null));
        assertThrows(java.text.ParseException.class, () -> SignedJWT.parse(tokens.refreshToken()));
    }

    private DefaultJWTProcessor<SecurityContext> processor() {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks).retrying(false).build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(
                        "api",
                        new JWTClaimsSet.Builder().issuer(issuer).build(),
                        Set.of("sub", "exp", "iat", "jti")));
        return processor;
    }
}
