package io.authservice;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The service's HTTP API as the tests call it. */
public final class Api {

    public static final String PASSWORD = "correct-horse-battery";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Api() {}

    /** A username no other test uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Response register(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/users");
    }

    /** Registers a new user with {@link #PASSWORD} and returns its username. */
    public static String newUser(String prefix) {
        String username = uniqueName(prefix);
        register(username, PASSWORD).then().statusCode(201);
        return username;
    }

    public static Response login(String username, String password) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("username", username)
                .formParam("password", password)
                .post("/oauth2/token");
    }

    /** A login asking for {@code scope}. */
    public static Response login(String username, String password, String scope) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("username", username)
                .formParam("password", password)
                .formParam("scope", scope)
                .post("/oauth2/token");
    }

    /** A login with {@link #PASSWORD} through the public client {@code clientId}. */
    public static Response loginThrough(String clientId, String username) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("username", username)
                .formParam("password", PASSWORD)
                .formParam("client_id", clientId)
                .post("/oauth2/token");
    }

    /** Logs in and returns the token answer; fails the test unless it is 200. */
    public static Tokens tokens(String username) {
        Response answer = login(username, PASSWORD);
        answer.then().statusCode(200);
        return Tokens.of(answer);
    }

    private static volatile String[] administrator;

    public static void useAdministrator(String username, String password) {
        administrator = new String[] {username, password};
    }

    /** An access token of the bootstrap administrator. */
    public static String adminToken() {
        String[] admin = administrator;
        if (admin == null) {
            var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
            admin =
                    new String[] {
                        config.getValue("auth.bootstrap-admin.username", String.class),
                        config.getValue("auth.bootstrap-admin.password", String.class)
                    };
        }
        Response answer = login(admin[0], admin[1]);
        answer.then().statusCode(200);
        return field(answer, "access_token");
    }

    /**
     * A top-level text field of a JSON answer, or null. Read with Jackson: RestAssured's {@code
     * path} evaluates a Groovy expression each time, a tenth of the unit-test JVM's sampled Java
     * time in a profile.
     */
    public static String field(Response answer, String name) {
        try {
            JsonNode value = JSON.readTree(answer.asByteArray()).get(name);
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response refresh(String refreshToken) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .post("/oauth2/token");
    }

    /** Refreshes and returns the token answer; fails the test unless it is 200. */
    public static Tokens refreshed(String refreshToken) {
        Response answer = refresh(refreshToken);
        answer.then().statusCode(200);
        return Tokens.of(answer);
    }

    public static Response me(String accessToken) {
        return given().header("Authorization", "Bearer " + accessToken).get("/users/me");
    }

    /** The claims of a JWT, unverified: for reading what the service put in its own tokens. */
    public static Map<String, Object> claims(String jwt) {
        String payload =
                new String(
                        Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        Map<String, Object> claims = JsonPath.from(payload).getMap("");
        if (claims.get("aud") instanceof String single) {
            claims = new HashMap<>(claims);
            claims.put("aud", List.of(single));
        }
        return claims;
    }

    public record Tokens(String accessToken, String refreshToken) {
        public static Tokens of(Response answer) {
            return new Tokens(field(answer, "access_token"), field(answer, "refresh_token"));
        }
    }
}
