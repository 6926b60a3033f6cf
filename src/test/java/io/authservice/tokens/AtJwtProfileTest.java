package io.authservice.tokens;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.SignedJWT;
import io.authservice.Api;
import io.authservice.OtherSettingsProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The non-default settings ({@link OtherSettingsProfile}): RFC 9068 {@code typ: at+jwt}, and
 * registration closed.
 */
@QuarkusTest
@TestProfile(OtherSettingsProfile.class)
class AtJwtProfileTest {

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
