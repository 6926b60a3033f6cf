package io.authservice.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.authservice.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import org.junit.jupiter.api.Test;

@QuarkusTest
class JwksTest {

    @Test
    void publishesPublicKeysOnly() {
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("keys.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("keys.kty", everyItem(equalTo("RSA")))
                .body("keys.use", everyItem(equalTo("sig")))
                .body("keys.alg", everyItem(equalTo("RS256")))
                .body("keys.kid", everyItem(notNullValue()))
                .body("keys.n", everyItem(notNullValue()))
                .body("keys.e", everyItem(equalTo("AQAB")))
                .body("keys", everyItem(not(hasKey("d"))))
                .body("keys", everyItem(not(hasKey("p"))))
                .body("keys", everyItem(not(hasKey("q"))))
                .body("keys", everyItem(not(hasKey("dp"))));
    }

    @Test
    void isCacheableWithAStrongETag() {
        Response first = given().get("/.well-known/jwks.json");
        first.then()
                .statusCode(200)
                .header("Cache-Control", "public, max-age=300")
                .header("ETag", matchesPattern("\"[A-Za-z0-9_-]+\""));
        String etag = first.header("ETag");
        given().header("If-None-Match", etag)
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", "public, max-age=300");
        given().header("If-None-Match", "\"other\", " + etag)
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(304);
        given().header("If-None-Match", "\"stale\"")
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .header("ETag", etag);
    }

    @Test
    void theActiveKeyIsPublishedAndItsPrivatePartIsSealedAtRest() {
        TestKeys.Active active = TestKeys.active();
        given().get("/.well-known/jwks.json")
                .then()
                .body("keys.kid", org.hamcrest.Matchers.hasItem(active.kid()));
        assertThrows(
                Exception.class,
                () ->
                        KeyFactory.getInstance("RSA")
                                .generatePrivate(new PKCS8EncodedKeySpec(active.sealed())));
    }
}
