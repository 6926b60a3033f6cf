package io.authservice.tokens;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.authservice.Api;
import io.authservice.Api.Tokens;
import io.authservice.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The usual attacks on JWT verification, each against {@code GET /users/me}: all must get 401. */
@QuarkusTest
class JwtAttackTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    private Tokens tokens;
    private String[] parts;
    private JWTClaimsSet claims;
    private String kid;

    @BeforeEach
    void login() throws Exception {
        tokens = Api.tokens(Api.newUser("attack"));
        parts = tokens.accessToken().split("\\.");
        SignedJWT jwt = SignedJWT.parse(tokens.accessToken());
        claims = jwt.getJWTClaimsSet();
        kid = jwt.getHeader().getKeyID();
    }

    @Test
    void theGenuineTokenIsAccepted() {
        Api.me(tokens.accessToken()).then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void algNone(String alg) {
        String header = encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}");
        refused(header + "." + parts[1] + ".");
        refused(header + "." + parts[1] + "." + parts[2]);
    }

    @Test
    void hs256WithThePublicKeyAsTheSecret() throws Exception {
        RSAPublicKey publicKey =
                JWKSet.load(
                                URI.create(
                                                RestAssured.baseURI
                                                        + ":"
                                                        + RestAssured.port
                                                        + "/.well-known/jwks.json")
                                        .toURL())
                        .getKeyByKeyId(kid)
                        .toRSAKey()
                        .toRSAPublicKey();
        String pem =
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(publicKey.getEncoded())
                        + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret :
                List.of(pem.getBytes(StandardCharsets.US_ASCII), publicKey.getEncoded())) {
            refused(
                    sign(
                            new JWSHeader.Builder(JWSAlgorithm.HS256)
                                    .keyID(kid)
                                    .type(JOSEObjectType.JWT)
                                    .build(),
                            claims,
                            new MACSigner(secret)));
        }
    }

    @Test
    void anEmbeddedJwk() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(kid).generate();
        refused(
                sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID(kid)
                                .type(JOSEObjectType.JWT)
                                .jwk(attacker.toPublicJWK())
                                .build(),
                        claims,
                        new RSASSASigner(attacker)));
    }

    @Test
    void aJkuHeader() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
        for (String keyId : List.of("attacker", kid)) {
            refused(
                    sign(
                            new JWSHeader.Builder(JWSAlgorithm.RS256)
                                    .keyID(keyId)
                                    .type(JOSEObjectType.JWT)
                                    .jwkURL(URI.create("http://127.0.0.1:9/jwks.json"))
                                    .build(),
                            claims,
                            new RSASSASigner(attacker)));
        }
    }

    @Test
    void kidInjection() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).generate();
        for (String keyId :
                List.of(
                        "../../../../../../dev/null",
                        "' OR '1'='1",
                        "x'; drop table signing_keys; --",
                        "",
                        kid + "\u0000")) {
            refused(
                    sign(
                            new JWSHeader.Builder(JWSAlgorithm.HS256)
                                    .keyID(keyId)
                                    .type(JOSEObjectType.JWT)
                                    .build(),
                            claims,
                            new MACSigner(new byte[32])));
            refused(
                    sign(
                            new JWSHeader.Builder(JWSAlgorithm.RS256)
                                    .keyID(keyId)
                                    .type(JOSEObjectType.JWT)
                                    .build(),
                            claims,
                            new RSASSASigner(attacker)));
        }
    }

    @Test
    void aStrippedSignature() {
        refused(parts[0] + "." + parts[1] + ".");
        refused(parts[0] + "." + parts[1]);
    }

    @Test
    void aSwappedSignature() {
        String other = Api.tokens(Api.newUser("attack-other")).accessToken().split("\\.")[2];
        refused(parts[0] + "." + parts[1] + "." + other);
    }

    @Test
    void aTamperedPayload() throws Exception {
        JWTClaimsSet admin =
                new JWTClaimsSet.Builder(claims).claim("groups", List.of("admin")).build();
        refused(parts[0] + "." + encode(admin.toString()) + "." + parts[2]);
    }

    @Test
    void aRefreshTokenAsABearerToken() {
        refused(tokens.refreshToken());
    }

    @Test
    void garbage() {
        refused("");
        refused("a.b.c");
        refused("a.b.c.d.e");
        refused("x".repeat(5000));
    }

    /** Signed with the service's own key, but wrong in one other way each. */
    @Test
    void correctlySignedButOtherwiseWrong() throws Exception {
        JWSSigner real = new RSASSASigner(TestKeys.active().privateKey());
        JWSHeader good =
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(kid)
                        .type(JOSEObjectType.JWT)
                        .build();
        Instant now = Instant.now();
        accepted(sign(good, fresh(now).build(), real));

        refused(
                sign(
                        good,
                        fresh(now)
                                .issueTime(Date.from(now.minusSeconds(900)))
                                .expirationTime(Date.from(now.minusSeconds(300)))
                                .build(),
                        real));
        refused(sign(good, fresh(now).issuer("https://evil.example.com").build(), real));
        refused(sign(good, fresh(now).audience("someone-else").build(), real));
        refused(sign(good, fresh(now).jwtID(null).build(), real));
        refused(sign(good, fresh(now).expirationTime(null).build(), real));
        refused(
                sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID(kid)
                                .type(new JOSEObjectType("at+jwt"))
                                .build(),
                        fresh(now).build(),
                        real));
        refused(
                sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                        fresh(now).build(),
                        real));
        refused(
                sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
                        fresh(now).build(),
                        real));
        for (JWSAlgorithm other : List.of(JWSAlgorithm.RS512, JWSAlgorithm.PS256)) {
            refused(
                    sign(
                            new JWSHeader.Builder(other)
                                    .keyID(kid)
                                    .type(JOSEObjectType.JWT)
                                    .build(),
                            fresh(now).build(),
                            real));
        }
    }

    /**
     * A subject that names no user (a client's id, garbage, a short UUID form) is 401, not a server
     * error.
     */
    @Test
    void aValidlySignedTokenWhoseSubjectIsNoUser() throws Exception {
        JWSSigner real = new RSASSASigner(TestKeys.active().privateKey());
        JWSHeader good =
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(kid)
                        .type(JOSEObjectType.JWT)
                        .build();
        for (String subject :
                List.of("web", "not-a-uuid", "1-1-1-1-1", "00000000-0000-0000-0000-00000000000g")) {
            String token =
                    sign(
                            good,
                            fresh(Instant.now())
                                    .subject(subject)
                                    .claim("groups", List.of("admin", "user"))
                                    .build(),
                            real);
            refused(token);
            given().header("Authorization", "Bearer " + token)
                    .contentType("application/json")
                    .body(Map.of("current_password", "x", "new_password", "long-enough-password"))
                    .post("/users/me/password")
                    .then()
                    .statusCode(401);
            given().header("Authorization", "Bearer " + token)
                    .get("/admin/users")
                    .then()
                    .statusCode(403);
        }
    }

    private JWTClaimsSet.Builder fresh(Instant now) {
        return new JWTClaimsSet.Builder(claims)
                .issuer(issuer)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)));
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer)
            throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String encode(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void accepted(String token) {
        Api.me(token).then().statusCode(200);
    }

    private static void refused(String token) {
        Api.me(token)
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"))
                .body("error", equalTo("invalid_token"));
    }
}
