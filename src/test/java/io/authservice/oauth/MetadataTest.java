package io.authservice.oauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MetadataTest {

    @ConfigProperty(name = "auth.issuer")
    String issuer;

    @Test
    void describesTheServer() {
        for (String path :
                List.of(
                        "/.well-known/openid-configuration",
                        "/.well-known/oauth-authorization-server")) {
            given().get(path)
                    .then()
                    .statusCode(200)
                    .body("issuer", equalTo(issuer))
                    .body("jwks_uri", equalTo(issuer + "/.well-known/jwks.json"))
                    .body("token_endpoint", equalTo(issuer + "/oauth2/token"))
                    .body("revocation_endpoint", equalTo(issuer + "/oauth2/revoke"))
                    .body("grant_types_supported", hasItems("password", "refresh_token"))
                    .body("token_endpoint_auth_methods_supported", hasItems("none"))
                    .body("response_types_supported", notNullValue())
                    .body("subject_types_supported", hasItems("public"))
                    .body("id_token_signing_alg_values_supported", hasItems("RS256"))
                    .body("scopes_supported", hasItems("openid", "profile", "email"))
                    .body(
                            "claims_supported",
                            hasItems("sub", "groups", "preferred_username", "client_id"));
        }
        assertEquals(
                given().get("/.well-known/openid-configuration").asString(),
                given().get("/.well-known/oauth-authorization-server").asString());
    }
}
