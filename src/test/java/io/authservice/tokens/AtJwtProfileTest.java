package io.authservice.tokens;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.SignedJWT;
import io.authservice.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The non-default settings: RFC 9068 {@code typ: at+jwt}, and registration closed. */
@QuarkusTest
@TestProfile(AtJwtProfileTest.Profile.class)
class AtJwtProfileTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "auth.tokens.access-token-typ", "at+jwt", "auth.registration.enabled", "false");
        }
    }

    @ConfigProperty(name = "auth.bootstrap-admin.username")
    String admin;

    @ConfigProperty(name = "auth.bootstrap-admin.password")
    String password;

    @Test
    void accessTokensSayAtJwtAndAreAccepted() throws Exception {
        String token =
                Api.login(admin, password).then().statusCode(200).extract().path("access_token");
        assertEquals(new JOSEObjectType("at+jwt"), SignedJWT.parse(token).getHeader().getType());
        Api.me(token).then().statusCode(200);
    }

    @Test
    void registrationCanBeClosed() {
        Api.register(Api.uniqueName("closed"), Api.PASSWORD)
                .then()
                .statusCode(403)
                .body("error", equalTo("registration_disabled"));
    }
}
