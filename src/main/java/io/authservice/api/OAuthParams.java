package io.authservice.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.clients.ClientAuthentication;
import io.authservice.oauth.GrantRequest;
import io.authservice.platform.ControlCharacters;
import io.authservice.platform.Failure;
import io.netty.handler.codec.http.QueryStringDecoder;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a request to an OAuth endpoint, from an {@code
 * application/x-www-form-urlencoded} body (RFC 6749) or a JSON object with the same names. Empty
 * values count as absent (§3.1), a parameter given twice is an error (§3.2), and so is a value with
 * control characters.
 */
final class OAuthParams {

    private static final int MAX_PARAMS = 32;
    private final Map<String, String> values;

    private OAuthParams(Map<String, String> values) {
        values.forEach(
                (name, value) -> {
                    if (ControlCharacters.in(value)) {
                        throw Failure.invalidRequest(
                                "parameter contains control characters: " + name);
                    }
                });
        this.values = values;
    }

    static OAuthParams parse(String contentType, byte[] body, ObjectMapper json) {
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type != null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            return form(new String(body, StandardCharsets.UTF_8));
        }
        if (type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            return json(body, json);
        }
        throw Failure.invalidRequest(
                "the body must be application/x-www-form-urlencoded or application/json");
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw Failure.invalidRequest("missing parameter: " + name);
        }
        return value;
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * These parameters and {@code name} = {@code value}; for a value that came another way (the
     * refresh cookie).
     */
    OAuthParams with(String name, String value) {
        Map<String, String> more = new HashMap<>(values);
        more.put(name, value);
        return new OAuthParams(more);
    }

    /** A token request's fields, for its grant. */
    GrantRequest grant() {
        return new GrantRequest(
                values.get("grant_type"),
                values.get("username"),
                values.get("password"),
                values.get("refresh_token"),
                values.get("scope"),
                values.get(DeviceCookie.FIELD));
    }

    /** What the request presents to authenticate its client, with its Authorization header. */
    ClientAuthentication.Presented client(String authorization) {
        return new ClientAuthentication.Presented(
                BasicAuthorization.read(authorization),
                values.get("client_id"),
                values.get("client_secret"),
                values.get("client_assertion_type"),
                values.get("client_assertion"));
    }

    private static OAuthParams form(String body) {
        Map<String, List<String>> decoded;
        try {
            decoded =
                    new QueryStringDecoder(body, StandardCharsets.UTF_8, false, MAX_PARAMS)
                            .parameters();
        } catch (IllegalArgumentException e) {
            throw Failure.invalidRequest("the form body is not valid URL encoding");
        }
        Map<String, String> values = new HashMap<>();
        decoded.forEach(
                (name, list) -> {
                    List<String> present = list.stream().filter(v -> !v.isEmpty()).toList();
                    if (present.size() > 1) {
                        throw Failure.invalidRequest("parameter given more than once: " + name);
                    }
                    if (!present.isEmpty()) {
                        values.put(name, present.get(0));
                    }
                });
        return new OAuthParams(values);
    }

    private static OAuthParams json(byte[] body, ObjectMapper mapper) {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw Failure.invalidRequest("the body is not valid JSON");
        } catch (java.io.IOException e) {
            throw Failure.invalidRequest("the body could not be read");
        }
        if (tree == null || !tree.isObject()) {
            throw Failure.invalidRequest("the JSON body must be an object");
        }
        Map<String, String> values = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                throw Failure.invalidRequest("parameter must be a string: " + field.getKey());
            }
            if (!value.textValue().isEmpty()) {
                values.put(field.getKey(), value.textValue());
            }
        }
        return new OAuthParams(values);
    }
}
