package io.authservice.clients;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.authservice.Api;
import io.authservice.clients.ClientsApi.Registered;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** RFC 6749 §4.4: a client's own access token. */
@QuarkusTest
class ClientCredentialsTest {

    @TestHTTPResource("/.well-known/jwks.json")
    URL jwks;

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    @Test
    void theTokenIsTheClientsOwnWithItsAudienceAndScopeAndNoRefreshToken() throws Exception {
        Registered client =
                ClientsApi.machine(
                        Map.of(
                                "audience",
                                List.of("orders", "billing"),
                                "access_token_lifespan",
                                90));
        Response answer = ClientsApi.clientCredentials(client, Map.of("scope", "orders.read"));
        answer.then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(90))
                .body("scope", equalTo("orders.read"))
                .body("refresh_token", nullValue())
                .body("refresh_expires_in", nullValue());
        // A standard verifier with only the JWKS, the issuer and the client's audience accepts it.
        JWTClaimsSet claims =
                verifier("orders").process((String) answer.path("access_token"), null);
        assertEquals(client.id(), claims.getSubject());
        assertEquals(client.id(), claims.getStringClaim("client_id"));
        assertEquals(List.of("orders", "billing"), claims.getAudience());
        assertEquals(issuer, claims.getIssuer());
        assertEquals("orders.read", claims.getStringClaim("scope"));
        assertEquals(
                90,
                (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
        for (String userClaim : List.of("sid", "groups", "upn", "preferred_username")) {
            assertFalse(
                    claims.getClaims().containsKey(userClaim), userClaim + " is for user tokens");
        }
        // Without scope: all of the client's.
        ClientsApi.clientCredentials(client, Map.of())
                .then()
                .statusCode(200)
                .body("scope", equalTo("orders.read orders.write"));
    }

    @Test
    void aClientTokenIsNoUsersToken() {
        Registered client = ClientsApi.machine(Map.of());
        String token = ClientsApi.clientCredentials(client, Map.of()).path("access_token");
        Api.me(token).then().statusCode(401);
        given().header("Authorization", "Bearer " + token)
                .get("/oauth2/userinfo")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + token)
                .get("/admin/clients")
                .then()
                .statusCode(403);
    }

    @Test
    void userTokensNameTheirSession() {
        String user = Api.newUser("sid");
        Api.Tokens first = Api.tokens(user);
        String sid = (String) Api.claims(first.accessToken()).get("sid");
        Api.Tokens refreshed = Api.refreshed(first.refreshToken());
        assertEquals(
                sid,
                Api.claims(refreshed.accessToken()).get("sid"),
                "a refresh stays in its session");
        assertFalse(
                sid.equals(Api.claims(Api.tokens(user).accessToken()).get("sid")),
                "another login, another session");
        assertEquals(
                1L,
                ((Number)
                                io.authservice.Db.value(
                                        "select count(*) from refresh_families where id = ?::uuid",
                                        sid))
                        .longValue());
    }

    private DefaultJWTProcessor<SecurityContext> verifier(String audience) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(
                        JWSAlgorithm.RS256, JWKSourceBuilder.create(jwks).retrying(false).build()));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(
                        audience,
                        new JWTClaimsSet.Builder().issuer(issuer).build(),
                        Set.of("sub", "exp", "iat", "jti")));
        return processor;
    }
}
