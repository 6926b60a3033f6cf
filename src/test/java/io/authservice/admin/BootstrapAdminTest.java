package io.authservice.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BootstrapAdminTest {

    @ConfigProperty(name = "auth.bootstrap-admin.username")
    String username;

    @ConfigProperty(name = "auth.bootstrap-admin.password")
    String password;

    @Test
    void theConfiguredAdministratorExistsOnceWithTheAdminRole() {
        String token =
                io.authservice.Api.login(username, password)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("access_token");
        given().header("Authorization", "Bearer " + token)
                .get("/users/me")
                .then()
                .statusCode(200)
                .body("roles", hasItem("admin"));
        assertEquals(1L, Db.value("select count(*) from users where 'admin' = any(roles)"));
    }
}
