package io.authservice.api.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever a client sends gets a 4xx with a JSON error body, never a 5xx. */
@QuarkusTest
class BadInputTest {

    private static final String HUGE = "a".repeat(200_000);
    private static final List<String> BODIES =
            List.of(
                    "{",
                    "[]",
                    "null",
                    "\"text\"",
                    "{\"username\": 5}",
                    "{\"username\": {\"a\": 1}}",
                    "{\"grant_type\": [\"password\"]}",
                    "\u0000\u0001\uFFFF",
                    "grant_type=%zz",
                    "grant_type=password&username=%FF%FE",
                    "",
                    HUGE);
    private static final List<String> TYPES =
            List.of(
                    "application/json",
                    "application/x-www-form-urlencoded",
                    "text/plain",
                    "application/xml",
                    "multipart/form-data; boundary=x",
                    "nonsense");

    private final HttpClient http = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyPublicPostEndpoint() throws Exception {
        for (String path : List.of("users", "oauth2/token", "oauth2/revoke")) {
            for (String type : TYPES) {
                for (String body : BODIES) {
                    clientError(
                            post(path, type, body, null),
                            path + " " + type + " " + abbreviate(body));
                }
            }
            clientError(
                    http.send(
                            HttpRequest.newBuilder(base.resolve(path))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()),
                    path + " without a body");
        }
    }

    @Test
    void theProtectedEndpoints() throws Exception {
        String token = Api.tokens(Api.newUser("badinput")).accessToken();
        for (String type : TYPES) {
            for (String body : BODIES) {
                clientError(
                        post("users/me/password", type, body, token),
                        type + " " + abbreviate(body));
            }
        }
    }

    @Test
    void aHugeBodyIsRefusedBeforeItIsRead() {
        given().contentType("application/x-www-form-urlencoded")
                .body("grant_type=password&username=" + HUGE)
                .post("/oauth2/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType("application/json")
                .body("{\"username\":\"" + HUGE + "\"}")
                .post("/users")
                .then()
                .statusCode(413)
                .body("error", equalTo("request_too_large"));
    }

    @Test
    void unknownPathsAndMethods() {
        given().get("/nothing-here").then().statusCode(404).body("error", equalTo("not_found"));
        given().delete("/users").then().statusCode(405).body("error", notNullValue());
        given().get("/oauth2/token").then().statusCode(405).body("error", notNullValue());
    }

    @Test
    void overlongFieldsInJson() {
        given().contentType("application/json")
                .body(
                        "{\"grant_type\":\"password\",\"username\":\""
                                + "u".repeat(3000)
                                + "\",\"password\":\"x\"}")
                .post("/oauth2/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    private HttpResponse<String> post(String path, String type, String body, String token)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void clientError(HttpResponse<String> answer, String what) {
        String detail =
                what
                        + " -> "
                        + answer.statusCode()
                        + " "
                        + answer.headers().map()
                        + " "
                        + answer.body();
        assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, detail);
        assertTrue(
                answer.headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith("application/json"),
                detail);
        assertTrue(answer.body().matches("(?s)\\{\"error\":\"[a-z_]+\".*"), detail);
    }

    private static String abbreviate(String body) {
        return body.length() > 40 ? body.substring(0, 40) + "…" : body;
    }
}
