package io.authservice.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What the annotations cannot say, or say wrongly, made to match the service (the OpenAPI test
 * checks each documented status against a real answer): the issuer as the server, {@code security:
 * []} on public operations, error bodies on 401 and 403, anchored patterns (JSON Schema patterns
 * are unanchored, Bean Validation's are not), the answers the generated document gets wrong, and
 * the answers of the limits in front of every resource (web/RateLimit, web/ConnectionGuard, the
 * login throttle: docs/API.md "Limits on every path"), which no resource method declares. Runs at
 * start, when the issuer is known.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class OpenApiDocument implements OASFilter {

    private static final String ERROR = "#/components/schemas/ErrorBody";

    /**
     * The public POSTs that web/RateLimit limits, and what else throttles each (429 with
     * Retry-After).
     */
    private static final Map<String, String> THROTTLED =
            Map.of(
                    "/oauth2/token",
                            "too_many_requests: the source's rate limit, its share of the password-hashing pool, or"
                                    + " the login throttle (a device's or source's consecutive failures, the account limit)",
                    "/users",
                            "too_many_requests: the source's rate limit or its share of the password-hashing pool",
                    "/users/me/password",
                            "too_many_requests: the source's rate limit or its share of the password-hashing pool",
                    "/oauth2/revoke",
                            "too_many_requests: the source's rate limit of revocation and introspection",
                    "/oauth2/introspect",
                            "too_many_requests: the source's rate limit of revocation and introspection");

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        openApi.setServers(
                List.of(
                        OASFactory.createServer()
                                .url(
                                        ConfigProvider.getConfig()
                                                .getValue("auth.issuer", String.class))
                                .description("the issuer")));
        var schemas = openApi.getComponents().getSchemas();
        schemas.values().forEach(OpenApiDocument::anchor);
        openApi.getComponents()
                .addSchema(
                        "Jwks",
                        object(
                                        Map.of(
                                                "keys",
                                                array(
                                                        object(
                                                                Map.of(
                                                                        "kty", string(), "kid",
                                                                        string(), "use", string(),
                                                                        "alg", string(), "n",
                                                                        string(), "e", string(),
                                                                        "crv", string(), "x",
                                                                        string(), "y", string())))))
                                .required(List.of("keys"))
                                .description("RFC 7517 JSON Web Key Set: the public signing keys"));
        openApi.getComponents()
                .addSchema(
                        "Metadata",
                        object(
                                        Map.ofEntries(
                                                Map.entry("issuer", string()),
                                                Map.entry("jwks_uri", string()),
                                                Map.entry("token_endpoint", string()),
                                                Map.entry("revocation_endpoint", string()),
                                                Map.entry("introspection_endpoint", string()),
                                                Map.entry("userinfo_endpoint", string()),
                                                Map.entry("grant_types_supported", array(string())),
                                                Map.entry(
                                                        "response_types_supported",
                                                        array(string())),
                                                Map.entry("scopes_supported", array(string())),
                                                Map.entry(
                                                        "token_endpoint_auth_methods_supported",
                                                        array(string())),
                                                Map.entry(
                                                        "id_token_signing_alg_values_supported",
                                                        array(string())),
                                                Map.entry(
                                                        "subject_types_supported",
                                                        array(string()))))
                                .required(List.of("issuer", "jwks_uri", "token_endpoint"))
                                .description("RFC 8414 / OpenID Connect Discovery metadata"));
        openApi.getComponents()
                .addSchema(
                        "Violations",
                        object(
                                        Map.of(
                                                "error",
                                                string(),
                                                "error_description",
                                                string(),
                                                "violations",
                                                array(ref("#/components/schemas/Violation"))))
                                .required(List.of("error", "violations")));
        openApi.getComponents()
                .addSchema(
                        "RevocationRequest",
                        object(
                                        Map.of(
                                                "token",
                                                string(),
                                                "token_type_hint",
                                                string().enumeration(
                                                                List.<Object>of(
                                                                        "refresh_token",
                                                                        "access_token"))))
                                .required(List.of("token")));

        openApi.getPaths()
                .getPathItems()
                .forEach(
                        (path, item) ->
                                item.getOperations()
                                        .forEach(
                                                (method, operation) -> {
                                                    if (operation.getSecurity() == null
                                                            || operation.getSecurity().isEmpty()) {
                                                        operation.setSecurity(
                                                                new ArrayList<>()); // public:
                                                        // security: []
                                                    }
                                                    APIResponses responses =
                                                            operation.getResponses();
                                                    for (String status : List.of("401", "403")) {
                                                        if (responses.hasAPIResponse(status)) {
                                                            responses
                                                                    .getAPIResponse(status)
                                                                    .content(json(ref(ERROR)));
                                                        }
                                                    }
                                                    fix(path, method, operation, responses);
                                                    limits(path, method, responses);
                                                }));
    }

    private static void limits(String path, PathItem.HttpMethod method, APIResponses responses) {
        String matrix = "matrix parameters (;) in the path";
        APIResponse invalid = responses.getAPIResponse("400");
        if (invalid == null) {
            responses.addAPIResponse(
                    "400", response("invalid_request: " + matrix).content(json(ref(ERROR))));
        } else if (!invalid.getDescription().contains(matrix)) {
            invalid.setDescription(invalid.getDescription() + "; invalid_request for " + matrix);
        }
        responses.addAPIResponse(
                "408",
                response(
                                "request_timeout: the request line and headers, or the body, did not"
                                        + " arrive within auth.http.request-timeout; the connection is closed")
                        .content(json(ref(ERROR))));
        if (method == PathItem.HttpMethod.POST && THROTTLED.containsKey(path)) {
            responses.addAPIResponse(
                    "429",
                    response(THROTTLED.get(path))
                            .content(json(ref(ERROR)))
                            .addHeader(
                                    "Retry-After",
                                    OASFactory.createHeader()
                                            .required(true)
                                            .description("seconds until the source may try again")
                                            .schema(
                                                    OASFactory.createSchema()
                                                            .addType(SchemaType.INTEGER)
                                                            .minimum(java.math.BigDecimal.ONE))));
        }
    }

    private static void fix(
            String path, PathItem.HttpMethod method, Operation operation, APIResponses responses) {
        switch (method + " " + path) {
            case "GET /.well-known/jwks.json" -> {
                responses.getAPIResponse("200").content(json(ref("#/components/schemas/Jwks")));
                responses.addAPIResponse(
                        "304", response("not modified: If-None-Match names the current ETag"));
            }
            case "GET /.well-known/openid-configuration",
                    "GET /.well-known/oauth-authorization-server" ->
                    responses
                            .getAPIResponse("200")
                            .content(json(ref("#/components/schemas/Metadata")));
            case "POST /users" -> {
                responses.removeAPIResponse("200");
                responses.addAPIResponse(
                        "201",
                        response(
                                        "registered; Location is /users/me, where the new user reads the profile once logged in")
                                .content(json(ref("#/components/schemas/UserView")))
                                .addHeader("Location", OASFactory.createHeader().schema(string())));
                responses.addAPIResponse(
                        "400",
                        response("invalid_request, with every violation")
                                .content(json(ref("#/components/schemas/Violations"))));
                responses.addAPIResponse(
                        "403", response("registration_disabled").content(json(ref(ERROR))));
                responses.addAPIResponse(
                        "409", response("username_taken").content(json(ref(ERROR))));
            }
            case "POST /users/me/password" -> {
                responses.removeAPIResponse("200");
                responses.addAPIResponse(
                        "204", response("changed; every session of the user ended"));
                responses.addAPIResponse(
                        "400",
                        response("invalid_request, or the current password is wrong")
                                .content(json(ref(ERROR))));
            }
            case "POST /oauth2/revoke", "POST /oauth2/introspect" -> {
                operation
                        .getRequestBody()
                        .content(
                                OASFactory.createContent()
                                        .addMediaType(
                                                "application/x-www-form-urlencoded",
                                                OASFactory.createMediaType()
                                                        .schema(
                                                                ref(
                                                                        "#/components/schemas/RevocationRequest"))));
                if (path.endsWith("/revoke")) {
                    responses.getAPIResponse("200").content(null);
                }
            }
            case "DELETE /admin/users/{id}" -> {
                responses.removeAPIResponse("200");
                responses.addAPIResponse("204", response("deleted; the user's sessions ended"));
            }
            case "DELETE /admin/users/{id}/login-limit" -> {
                responses.removeAPIResponse("200");
                responses.addAPIResponse(
                        "204", response("lifted: strangers' consecutive failed logins forgotten"));
            }
            default -> {}
        }
        if (path.startsWith("/users/me")) {
            responses.removeAPIResponse("403"); // any valid access token may: never 403
        }
        if (path.startsWith("/admin/users/{id}")) {
            responses.addAPIResponse("404", response("not_found").content(json(ref(ERROR))));
        }
    }

    private static void anchor(Schema schema) {
        if (schema == null) {
            return;
        }
        String pattern = schema.getPattern();
        if (pattern != null && !pattern.startsWith("^")) {
            schema.setPattern("^(?:" + pattern + ")$");
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(OpenApiDocument::anchor);
        }
        anchor(schema.getItems());
    }

    private static APIResponse response(String description) {
        return OASFactory.createAPIResponse().description(description);
    }

    private static Content json(Schema schema) {
        MediaType media = OASFactory.createMediaType().schema(schema);
        return OASFactory.createContent().addMediaType("application/json", media);
    }

    private static Schema ref(String ref) {
        return OASFactory.createSchema().ref(ref);
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }

    private static Schema array(Schema items) {
        return OASFactory.createSchema().addType(SchemaType.ARRAY).items(items);
    }

    private static Schema object(Map<String, Schema> properties) {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .properties(new java.util.TreeMap<>(properties));
    }
}
