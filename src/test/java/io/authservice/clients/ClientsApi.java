package io.authservice.clients;

import static io.restassured.RestAssured.given;

import io.authservice.Api;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Registered clients as the tests make and use them. */
public final class ClientsApi {

    private ClientsApi() {}

    /** A client's id and its secret (null for methods without one). */
    public record Registered(String id, String secret) {}

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Api.adminToken())
                .contentType(ContentType.JSON);
    }

    public static Response register(Map<String, ?> metadata) {
        return admin().body(metadata).post("/admin/clients");
    }

    /** Registers a client, failing the test unless it is 201. */
    public static Registered registered(Map<String, ?> metadata) {
        Response answer = register(metadata);
        answer.then().statusCode(201);
        return new Registered(Api.field(answer, "client_id"), Api.field(answer, "client_secret"));
    }

    /** A public client (no secret) of the password grant, as a single-page app registers. */
    public static Registered spa() {
        return registered(
                Map.of(
                        "client_name",
                        "spa",
                        "grant_types",
                        java.util.List.of("password"),
                        "token_endpoint_auth_method",
                        "none"));
    }

    /**
     * A confidential client_credentials client with client_secret_basic and the given extra
     * metadata.
     */
    public static Registered machine(Map<String, ?> extra) {
        Map<String, Object> metadata =
                new HashMap<>(
                        Map.of(
                                "client_name",
                                Api.uniqueName("machine"),
                                "grant_types",
                                java.util.List.of("client_credentials"),
                                "scope",
                                "orders.read orders.write"));
        metadata.putAll(extra);
        return registered(metadata);
    }

    /** RFC 6749 §2.3.1: id and secret form-url-encoded, joined by a colon, base64. */
    public static String basic(String id, String secret) {
        String pair = form(id) + ":" + form(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    public static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** client_credentials with client_secret_basic. */
    public static Response clientCredentials(Registered client, Map<String, String> form) {
        Map<String, String> params = new HashMap<>(form);
        params.put("grant_type", "client_credentials");
        return given().header("Authorization", basic(client.id(), client.secret()))
                .contentType(ContentType.URLENC)
                .formParams(params)
                .post("/oauth2/token");
    }

    public static Response introspect(Registered client, String token) {
        return given().header("Authorization", basic(client.id(), client.secret()))
                .contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/oauth2/introspect");
    }
}
