package io.authservice.clients;

import static io.authservice.clients.ClientsApi.basic;
import static io.authservice.clients.ClientsApi.form;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.authservice.clients.ClientsApi.Registered;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey.OutputControlLevel;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/**
 * Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523), and what a client may ask
 * for.
 */
@QuarkusTest
class ClientAuthenticationTest {

    private static final String JWT_BEARER =
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    private static Response token(String authorization, Map<String, String> form) {
        var request = given().contentType(ContentType.URLENC).formParams(form);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.post("/oauth2/token");
    }

    private static final Map<String, String> CC = Map.of("grant_type", "client_credentials");

    @Test
    void basicDecodesFormUrlEncodedIdAndSecret() {
        // ':' would end the id if it were not encoded, '+' would become a space, '%' starts an
        // escape.
        String id = "svc:a+b%c/é&=" + UUID.randomUUID().toString().substring(0, 6);
        Registered client =
                ClientsApi.registered(
                        Map.of(
                                "client_id",
                                id,
                                "client_name",
                                "reserved",
                                "grant_types",
                                List.of("client_credentials")));
        token(basic(id, client.secret()), CC).then().statusCode(200);
        // The secret decoded too: every character percent-encoded still names the same secret.
        StringBuilder escaped = new StringBuilder();
        for (byte b : client.secret().getBytes(StandardCharsets.UTF_8)) {
            escaped.append(String.format("%%%02X", b));
        }
        String pair = form(id) + ":" + escaped;
        token(
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
                        CC)
                .then()
                .statusCode(200);
        // Not encoded: the id is cut at its ':' and the '+' is a space: no such client.
        String raw = id + ":" + client.secret();
        token(
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(raw.getBytes(StandardCharsets.UTF_8)),
                        CC)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"))
                .header("WWW-Authenticate", startsWith("Basic realm="));
    }

    @Test
    void wrongOrMissingCredentialsAreInvalidClient() {
        Registered client = ClientsApi.machine(Map.of());
        token(basic(client.id(), client.secret() + "x"), CC)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"))
                .header("WWW-Authenticate", startsWith("Basic realm="));
        token(basic("no-such-client", client.secret()), CC)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        token("Basic not-base64!", CC)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        token(
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                "no-colon".getBytes(StandardCharsets.UTF_8)),
                        CC)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        // A confidential client may not go without authenticating.
        token(null, Map.of("grant_type", "client_credentials", "client_id", client.id()))
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        // The method is the registered one: a client_secret_basic client may not post its secret.
        token(
                        null,
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                client.id(),
                                "client_secret",
                                client.secret()))
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        // Two methods at once (RFC 6749 §2.3).
        token(
                        basic(client.id(), client.secret()),
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                client.id(),
                                "client_secret",
                                client.secret()))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        // client_id that is not the Basic one.
        token(
                        basic(client.id(), client.secret()),
                        Map.of("grant_type", "client_credentials", "client_id", "other"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        token(basic(client.id(), client.secret()), CC).then().statusCode(200);
    }

    @Test
    void clientSecretPost() {
        Registered client =
                ClientsApi.machine(Map.of("token_endpoint_auth_method", "client_secret_post"));
        token(
                        null,
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                client.id(),
                                "client_secret",
                                client.secret()))
                .then()
                .statusCode(200);
        token(
                        null,
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                client.id(),
                                "client_secret",
                                "wrong"))
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        token(basic(client.id(), client.secret()), CC)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void aClientUsesOnlyItsGrantsAndScope() {
        Registered client = ClientsApi.machine(Map.of());
        String user = Api.newUser("cc-grant");
        token(
                        basic(client.id(), client.secret()),
                        Map.of(
                                "grant_type",
                                "password",
                                "username",
                                user,
                                "password",
                                Api.PASSWORD))
                .then()
                .statusCode(400)
                .body("error", equalTo("unauthorized_client"));
        token(
                        basic(client.id(), client.secret()),
                        Map.of("grant_type", "client_credentials", "scope", "orders.read admin"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_scope"));
        token(basic(client.id(), client.secret()), Map.of("grant_type", "authorization_code"))
                .then()
                .statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
        // The first-party public client has no client_credentials.
        token(null, Map.of("grant_type", "client_credentials"))
                .then()
                .statusCode(400)
                .body("error", equalTo("unauthorized_client"));
    }

    @Test
    void aRegisteredPublicClientLogsInWithItsScopeAudienceAndLifespan() {
        Registered spa =
                ClientsApi.registered(
                        Map.of(
                                "client_name",
                                "spa",
                                "grant_types",
                                List.of("password", "refresh_token"),
                                "token_endpoint_auth_method",
                                "none",
                                "scope",
                                "openid profile",
                                "audience",
                                List.of("api", "orders"),
                                "access_token_lifespan",
                                120));
        String user = Api.newUser("spa-login");
        Map<String, String> login =
                Map.of(
                        "grant_type",
                        "password",
                        "username",
                        user,
                        "password",
                        Api.PASSWORD,
                        "client_id",
                        spa.id());
        Response answer = token(null, login);
        answer.then()
                .statusCode(200)
                .body("expires_in", equalTo(120))
                .body("scope", equalTo("openid profile"));
        Map<String, Object> claims = Api.claims(answer.path("access_token"));
        assertEquals(spa.id(), claims.get("client_id"));
        assertEquals(List.of("api", "orders"), claims.get("aud"));
        token(
                        null,
                        Map.of(
                                "grant_type",
                                "password",
                                "username",
                                user,
                                "password",
                                Api.PASSWORD,
                                "client_id",
                                spa.id(),
                                "scope",
                                "email"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_scope"));
        // Its refresh token is its own: the first-party client cannot use it.
        String refresh = answer.path("refresh_token");
        token(null, Map.of("grant_type", "refresh_token", "refresh_token", refresh))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        token(
                        null,
                        Map.of(
                                "grant_type",
                                "refresh_token",
                                "refresh_token",
                                refresh,
                                "client_id",
                                spa.id()))
                .then()
                .statusCode(200)
                .body("expires_in", equalTo(120));
    }

    @Test
    void failedAuthenticationsAreThrottled() {
        Registered client = ClientsApi.machine(Map.of());
        int status = 0;
        for (int i = 0; i < 12 && status != 429; i++) {
            status = token(basic(client.id(), "wrong-" + i), CC).statusCode();
        }
        assertEquals(429, status, "repeated failures end in 429");
        token(basic(client.id(), client.secret()), CC)
                .then()
                .statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
    }

    // ---- private_key_jwt (RFC 7523) ----

    @Test
    void privateKeyJwtAcceptsEachAssertionOnce() throws Exception {
        PublicJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("k1");
        String id = jwtClient(key);
        String assertion =
                assertion(
                        key,
                        AlgorithmIdentifiers.RSA_USING_SHA256,
                        id,
                        issuer,
                        60,
                        UUID.randomUUID().toString());
        withAssertion(assertion).then().statusCode(200);
        withAssertion(assertion).then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    /**
     * Issue 16: the audience of an assertion is the issuer as one string
     * (draft-ietf-oauth-rfc7523bis), never the token endpoint URL nor an array.
     */
    @Test
    void anAssertionIsForTheIssuerAlone() throws Exception {
        PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        String es = AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
        String id = jwtClient(key);
        JwtClaims array = claims(id, issuer, 60, UUID.randomUUID().toString());
        array.setClaim(
                "aud", List.of(issuer)); // setAudience would write a one-element list as a string
        for (JwtClaims claims :
                List.of(
                        claims(id, issuer + "/oauth2/token", 60, UUID.randomUUID().toString()),
                        array)) {
            withAssertion(sign(key, es, claims))
                    .then()
                    .statusCode(401)
                    .body("error", equalTo("invalid_client"));
        }
        withAssertion(assertion(key, es, id, issuer, 60, UUID.randomUUID().toString()))
                .then()
                .statusCode(200);
    }

    /**
     * Issue 16: RFC 9864's {@code Ed25519}, which openid-client and oauth4webapi send, beside
     * {@code EdDSA}.
     */
    @Test
    void ed25519IsAnAlgorithmName() throws Exception {
        PublicJsonWebKey key = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
        key.setKeyId("ed1");
        String id = jwtClient(key);
        withAssertion(ed25519(key, "Ed25519", claims(id, issuer, 60, UUID.randomUUID().toString())))
                .then()
                .statusCode(200);
        withAssertion(ed25519(key, "EdDSA", claims(id, issuer, 60, UUID.randomUUID().toString())))
                .then()
                .statusCode(200);
        withAssertion(ed25519(key, "Ed448", claims(id, issuer, 60, UUID.randomUUID().toString())))
                .then()
                .statusCode(401);
    }

    /**
     * Issue 16: error texts told whether a client exists, how it authenticates, and echoed jose4j
     * and the assertion.
     */
    @Test
    void aFailureSaysNothingOfTheClient() throws Exception {
        PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        String es = AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
        String jwt = jwtClient(key);
        Registered secret = ClientsApi.machine(Map.of());
        Registered spa = ClientsApi.spa();
        String expired = assertion(key, es, jwt, issuer, -120, UUID.randomUUID().toString());
        List<Response> failures =
                List.of(
                        token(
                                null,
                                Map.of(
                                        "grant_type",
                                        "client_credentials",
                                        "client_id",
                                        "no-such-client")),
                        token(
                                null,
                                Map.of(
                                        "grant_type",
                                        "client_credentials",
                                        "client_id",
                                        secret.id())),
                        token(
                                null,
                                Map.of(
                                        "grant_type",
                                        "client_credentials",
                                        "client_id",
                                        secret.id(),
                                        "client_secret",
                                        secret.secret())),
                        token(basic("no-such-client", "x"), CC),
                        token(basic(spa.id(), "x"), CC),
                        withAssertion(expired),
                        withAssertion(
                                assertion(
                                        key,
                                        es,
                                        "no-such-client",
                                        issuer,
                                        60,
                                        UUID.randomUUID().toString())),
                        withAssertion(
                                assertion(
                                        key,
                                        es,
                                        secret.id(),
                                        issuer,
                                        60,
                                        UUID.randomUUID().toString())));
        for (Response failure : failures) {
            failure.then()
                    .statusCode(401)
                    .body("error", equalTo("invalid_client"))
                    .body("error_description", equalTo("client authentication failed"));
        }
    }

    /**
     * Issue 22: the client's verifier is kept between assertions. It still refuses a replay and a
     * wrong audience, and a new key set (PUT of the client's jwks) counts at once: the old key is
     * refused, the new one accepted.
     */
    @Test
    void aCachedVerifierFollowsTheClientsKeys() throws Exception {
        PublicJsonWebKey before = RsaJwkGenerator.generateJwk(2048);
        before.setKeyId("k1");
        PublicJsonWebKey after = RsaJwkGenerator.generateJwk(2048);
        after.setKeyId("k1"); // the same kid: only the key set tells them apart
        String rs = AlgorithmIdentifiers.RSA_USING_SHA256;
        String id = jwtClient(before);
        String first = assertion(before, rs, id, issuer, 60, UUID.randomUUID().toString());
        withAssertion(first).then().statusCode(200);
        withAssertion(first).then().statusCode(401).body("error", equalTo("invalid_client"));
        withAssertion(
                        assertion(
                                before,
                                rs,
                                id,
                                issuer + "/oauth2/token",
                                60,
                                UUID.randomUUID().toString()))
                .then()
                .statusCode(401)
                .body("error_description", equalTo("client authentication failed"));

        ClientsApi.admin()
                .body(jwtMetadata(after))
                .put("/admin/clients/" + id)
                .then()
                .statusCode(200);
        withAssertion(assertion(before, rs, id, issuer, 60, UUID.randomUUID().toString()))
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        withAssertion(assertion(after, rs, id, issuer, 60, UUID.randomUUID().toString()))
                .then()
                .statusCode(200);
    }

    /**
     * A JWS signed with Ed25519 under the header {@code alg} given, made without jose4j's algorithm
     * names.
     */
    private static String ed25519(PublicJsonWebKey key, String alg, JwtClaims claims)
            throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input =
                b64.encodeToString(
                                ("{\"alg\":\"" + alg + "\",\"kid\":\"" + key.getKeyId() + "\"}")
                                        .getBytes(StandardCharsets.UTF_8))
                        + "."
                        + b64.encodeToString(claims.toJson().getBytes(StandardCharsets.UTF_8));
        java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(key.getPrivateKey());
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(signer.sign());
    }

    @Test
    void privateKeyJwtChecksSignatureAndClaims() throws Exception {
        PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId("ec1");
        String id = jwtClient(key);
        String es = AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
        withAssertion(assertion(key, es, id, issuer, 60, UUID.randomUUID().toString()))
                .then()
                .statusCode(200);

        PublicJsonWebKey stranger = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        stranger.setKeyId("ec1");
        // Each refusal for a client of its own: five failures in a row would lock the client out
        // (429).
        List<AssertionFor> refused =
                List.of(
                        c ->
                                assertion(
                                        stranger,
                                        es,
                                        c,
                                        issuer,
                                        60,
                                        UUID.randomUUID().toString()), // another key
                        c ->
                                assertion(
                                        key,
                                        es,
                                        c,
                                        "https://elsewhere.example",
                                        60,
                                        UUID.randomUUID().toString()), // aud
                        c ->
                                assertion(
                                        key,
                                        es,
                                        c,
                                        issuer,
                                        600,
                                        UUID.randomUUID().toString()), // exp > 5 min ahead
                        c ->
                                assertion(
                                        key,
                                        es,
                                        c,
                                        issuer,
                                        -120,
                                        UUID.randomUUID().toString()), // expired
                        c -> assertion(key, es, c, issuer, 60, null), // no jti
                        c -> unsigned(c), // alg none
                        c ->
                                hmac(
                                        c,
                                        key.toJson(
                                                OutputControlLevel
                                                        .PUBLIC_ONLY)), // HS256 keyed with the
                        // public JWK
                        c -> {
                            JwtClaims claims = claims(c, issuer, 60, UUID.randomUUID().toString());
                            claims.setIssuer("someone-else"); // iss is not sub
                            return sign(key, es, claims);
                        });
        for (AssertionFor assertion : refused) {
            withAssertion(assertion.of(jwtClient(key)))
                    .then()
                    .statusCode(401)
                    .body("error", equalTo("invalid_client"));
        }
        withAssertion(assertion(key, es, "someone-else", issuer, 60, UUID.randomUUID().toString()))
                .then()
                .statusCode(401);
        withAssertion("not.a.jwt").then().statusCode(401).body("error", equalTo("invalid_client"));
        // A wrong assertion type.
        given().contentType(ContentType.URLENC)
                .formParams(
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_assertion_type",
                                "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
                                "client_assertion",
                                assertion(key, es, id, issuer, 60, UUID.randomUUID().toString())))
                .post("/oauth2/token")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        // A secret client cannot use an assertion, nor an assertion client a secret.
        Registered secretClient = ClientsApi.machine(Map.of());
        withAssertion(
                        assertion(
                                key,
                                es,
                                secretClient.id(),
                                issuer,
                                60,
                                UUID.randomUUID().toString()))
                .then()
                .statusCode(401);
    }

    @FunctionalInterface
    private interface AssertionFor {
        String of(String clientId) throws Exception;
    }

    private String jwtClient(PublicJsonWebKey key) {
        return ClientsApi.registered(jwtMetadata(key)).id();
    }

    private static Map<String, Object> jwtMetadata(PublicJsonWebKey key) {
        String jwk = key.toJson(OutputControlLevel.PUBLIC_ONLY);
        return Map.of(
                "client_name",
                "signed",
                "grant_types",
                List.of("client_credentials"),
                "token_endpoint_auth_method",
                "private_key_jwt",
                "jwks",
                Map.of("keys", List.of(io.restassured.path.json.JsonPath.from(jwk).getMap(""))));
    }

    static Response withAssertion(String assertion) {
        return given().contentType(ContentType.URLENC)
                .formParams(
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_assertion_type",
                                JWT_BEARER,
                                "client_assertion",
                                assertion))
                .post("/oauth2/token");
    }

    static JwtClaims claims(String clientId, String audience, int expiresInSeconds, String jti) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(clientId);
        claims.setSubject(clientId);
        claims.setAudience(audience);
        claims.setExpirationTime(
                NumericDate.fromSeconds(NumericDate.now().getValue() + expiresInSeconds));
        claims.setIssuedAtToNow();
        if (jti != null) {
            claims.setJwtId(jti);
        }
        return claims;
    }

    static String assertion(
            PublicJsonWebKey key,
            String alg,
            String clientId,
            String audience,
            int expiresIn,
            String jti)
            throws Exception {
        return sign(key, alg, claims(clientId, audience, expiresIn, jti));
    }

    static String sign(PublicJsonWebKey key, String alg, JwtClaims claims) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(alg);
        return jws.getCompactSerialization();
    }

    private String unsigned(String clientId) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "."
                + b64.encodeToString(
                        claims(clientId, issuer, 60, UUID.randomUUID().toString())
                                .toJson()
                                .getBytes(StandardCharsets.UTF_8))
                + ".";
    }

    private String hmac(String clientId, String secret) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(clientId, issuer, 60, UUID.randomUUID().toString()).toJson());
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }
}
