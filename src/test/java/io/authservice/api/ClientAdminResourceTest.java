package io.authservice.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.Api;
import io.authservice.LogLines;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client id in the path is refused by validation when it holds a control character: a NUL must
 * not reach PostgreSQL, which refuses it (SQLSTATE 22021) behind the service's back.
 */
@QuarkusTest
class ClientAdminResourceTest {

    @Test
    void aControlCharacterInTheClientIdIsAnInvalidRequest() throws Exception {
        String admin = Api.adminToken();
        List<String> refused =
                LogLines.of(
                        ErrorMappers.class.getName(),
                        () -> {
                            for (String id : List.of("a%00b", "a%01b")) {
                                for (String method : List.of("GET", "DELETE")) {
                                    given().auth()
                                            .oauth2(admin)
                                            .urlEncodingEnabled(false)
                                            .request(method, "/admin/clients/" + id)
                                            .then()
                                            .statusCode(400)
                                            .body("error", equalTo("invalid_request"))
                                            .body("violations[0].field", equalTo("client_id"));
                                }
                                given().auth()
                                        .oauth2(admin)
                                        .urlEncodingEnabled(false)
                                        .post("/admin/clients/" + id + "/secret")
                                        .then()
                                        .statusCode(400)
                                        .body("error", equalTo("invalid_request"));
                            }
                            return null;
                        });
        assertEquals(List.of(), refused, "nothing reaches the database to be refused there");
    }
}
