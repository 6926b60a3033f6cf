package io.authservice.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.platform.ControlCharacters;
import io.authservice.platform.Failure;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The body of {@code POST /admin/clients} and {@code PUT /admin/clients/{id}}: RFC 7591 client
 * metadata. Unknown fields are ignored (§2); what is known is checked by {@link #validate}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RegisterForReflection
public record ClientMetadata(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("client_name") String clientName,
        @JsonProperty("grant_types") List<String> grantTypes,
        @JsonProperty("token_endpoint_auth_method") String tokenEndpointAuthMethod,
        String scope,
        List<String> audience,
        JsonNode jwks,
        @JsonProperty("allowed_cors_origins") List<String> allowedCorsOrigins,
        @JsonProperty("refresh_token_mode") String refreshTokenMode,
        @JsonProperty("access_token_lifespan") Integer accessTokenLifespan,
        @JsonProperty("introspection_allowed") Boolean introspectionAllowed) {

    /** RFC 6749 §3.3 scope-token. */
    private static final Pattern SCOPE_TOKEN =
            Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

    private static final Pattern AUDIENCE = Pattern.compile("[\\x21-\\x7E]{1,256}");
    private static final int MAX_ITEMS = 32;
    private static final int MAX_LIFESPAN = 86_400;

    /** Metadata from a JSON body; a field of the wrong type is invalid metadata too. */
    public static ClientMetadata from(JsonNode body, ObjectMapper json) {
        if (body == null || !body.isObject()) {
            throw invalid("the body must be a JSON object of client metadata (RFC 7591 §2)");
        }
        try {
            return json.treeToValue(body, ClientMetadata.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String field =
                    e instanceof JsonMappingException m && !m.getPath().isEmpty()
                            ? m.getPath().get(0).getFieldName()
                            : null;
            throw invalid(
                    field == null
                            ? "the client metadata have a field of the wrong type"
                            : "the field " + field + " has the wrong type");
        }
    }

    /**
     * The client these metadata describe, or {@code invalid_client_metadata} saying what is wrong.
     *
     * @param defaults scope and audience of a client that names none
     */
    public Client validate(
            String clientId,
            Instant createdAt,
            List<String> defaultScope,
            List<String> defaultAudience) {
        String name = text("client_name", clientName, 200);
        String method =
                tokenEndpointAuthMethod == null
                        ? Client.CLIENT_SECRET_BASIC
                        : tokenEndpointAuthMethod;
        if (!Client.AUTH_METHODS.contains(method)) {
            throw invalid("token_endpoint_auth_method must be one of " + Client.AUTH_METHODS);
        }
        Set<String> grants = new LinkedHashSet<>(items("grant_types", grantTypes));
        if (grants.isEmpty()) {
            throw invalid("grant_types must name at least one of " + Client.GRANT_TYPES);
        }
        for (String grant : grants) {
            if (!Client.GRANT_TYPES.contains(grant)) {
                throw invalid(
                        "unsupported grant type: "
                                + grant
                                + " (supported: "
                                + Client.GRANT_TYPES
                                + ")");
            }
        }
        boolean publicClient = Client.NONE.equals(method);
        if (publicClient && grants.contains(Client.CLIENT_CREDENTIALS)) {
            throw invalid(
                    "client_credentials needs a client that authenticates (token_endpoint_auth_method other than none)");
        }
        if (grants.contains(Client.REFRESH_TOKEN) && !grants.contains(Client.PASSWORD)) {
            throw invalid(
                    "refresh_token comes with the password grant: grant_types must include password");
        }
        List<String> scopes = scope == null ? defaultScope : scopes(scope);
        List<String> audiences = audience == null ? defaultAudience : audiences(audience);
        String keys = jwks == null || jwks.isNull() ? null : publicKeys(jwks);
        if (Client.PRIVATE_KEY_JWT.equals(method) != (keys != null)) {
            throw invalid("jwks is required with private_key_jwt and only allowed with it");
        }
        List<String> origins = allowedCorsOrigins == null ? List.of() : origins(allowedCorsOrigins);
        if (!origins.isEmpty() && !publicClient) {
            throw invalid(
                    "allowed_cors_origins is for public clients (token_endpoint_auth_method none): a browser cannot keep a secret");
        }
        String mode = refreshTokenMode == null ? Client.BODY : refreshTokenMode;
        if (!mode.equals(Client.BODY) && !mode.equals(Client.COOKIE)) {
            throw invalid("refresh_token_mode must be body or cookie");
        }
        if (mode.equals(Client.COOKIE)
                && !(publicClient && grants.contains(Client.REFRESH_TOKEN))) {
            throw invalid(
                    "refresh_token_mode cookie is for public clients with the refresh_token grant");
        }
        if (accessTokenLifespan != null
                && (accessTokenLifespan < 1 || accessTokenLifespan > MAX_LIFESPAN)) {
            throw invalid(
                    "access_token_lifespan must be between 1 and " + MAX_LIFESPAN + " seconds");
        }
        boolean introspects = Boolean.TRUE.equals(introspectionAllowed);
        if (introspects && publicClient) {
            throw invalid(
                    "introspection_allowed is for clients that authenticate (token_endpoint_auth_method other than none)");
        }
        return new Client(
                clientId,
                name,
                Set.copyOf(grants),
                method,
                scopes,
                audiences,
                keys,
                origins,
                mode,
                accessTokenLifespan,
                introspects,
                createdAt);
    }

    private static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is required");
        }
        if (value.length() > max || ControlCharacters.in(value)) {
            throw invalid(
                    field + " must be at most " + max + " characters without control characters");
        }
        return value;
    }

    private static List<String> items(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_ITEMS || values.contains(null)) {
            throw invalid(field + " must be a list of at most " + MAX_ITEMS + " strings");
        }
        return values;
    }

    private static List<String> scopes(String value) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String token : value.split(" ", -1)) {
            if (!SCOPE_TOKEN.matcher(token).matches()) {
                throw invalid(
                        "scope must be space-separated scope tokens (RFC 6749 §3.3): "
                                + quoted(token));
            }
            scopes.add(token);
        }
        if (scopes.size() > MAX_ITEMS) {
            throw invalid("scope has more than " + MAX_ITEMS + " values");
        }
        return List.copyOf(scopes);
    }

    private static List<String> audiences(List<String> values) {
        Set<String> audiences = new LinkedHashSet<>(items("audience", values));
        if (audiences.isEmpty()) {
            throw invalid("audience must name at least one audience");
        }
        for (String value : audiences) {
            if (!AUDIENCE.matcher(value).matches()) {
                throw invalid(
                        "audience values are 1 to 256 printable characters without spaces: "
                                + quoted(value));
            }
        }
        return List.copyOf(audiences);
    }

    private static List<String> origins(List<String> values) {
        Set<String> origins = new LinkedHashSet<>();
        for (String value : items("allowed_cors_origins", values)) {
            origins.add(
                    origin(value)
                            .orElseThrow(
                                    () ->
                                            invalid(
                                                    "an origin is scheme://host[:port] with http or https and nothing after: "
                                                            + quoted(value))));
        }
        return List.copyOf(origins);
    }

    /**
     * An origin as browsers send it in {@code Origin}: lower-case scheme (http or https) and host,
     * and a port only when it is not the scheme's default; empty when {@code value} is not such an
     * origin.
     */
    public static Optional<String> origin(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare =
                (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                        && uri.getRawQuery() == null
                        && uri.getRawFragment() == null
                        && uri.getRawUserInfo() == null;
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || !bare) {
            return Optional.empty();
        }
        int port = uri.getPort();
        boolean defaultPort =
                port == -1
                        || (scheme.equals("https") && port == 443)
                        || (scheme.equals("http") && port == 80);
        return Optional.of(
                scheme
                        + "://"
                        + uri.getHost().toLowerCase(Locale.ROOT)
                        + (defaultPort ? "" : ":" + port));
    }

    /**
     * The key set with public parameters only, each key one this service verifies assertions with.
     */
    private static String publicKeys(JsonNode value) {
        JsonWebKeySet set;
        try {
            set = new JsonWebKeySet(value.toString());
        } catch (JoseException | RuntimeException e) {
            throw invalid("jwks is not a JWK Set (RFC 7517 §5)");
        }
        List<JsonWebKey> keys = set.getJsonWebKeys();
        if (keys.isEmpty() || keys.size() > 10) {
            throw invalid("jwks must hold 1 to 10 keys");
        }
        List<JsonWebKey> published = new ArrayList<>();
        for (JsonWebKey key : keys) {
            if (!(key instanceof PublicJsonWebKey pub) || pub.getPrivateKey() != null) {
                throw invalid(
                        "jwks may hold only public RSA, EC or OKP keys, never private parameters");
            }
            if (key.getUse() != null && !key.getUse().equals("sig")) {
                throw invalid("jwks keys must be for signatures (use sig)");
            }
            boolean strong =
                    key instanceof RsaJsonWebKey rsa
                            ? ((RSAPublicKey) rsa.getPublicKey()).getModulus().bitLength() >= 2048
                            : key instanceof EllipticCurveJsonWebKey
                                    || key instanceof OctetKeyPairJsonWebKey okp
                                            && "Ed25519".equals(okp.getSubtype());
            if (!strong) {
                throw invalid("jwks keys must be RSA of 2048 bits or more, EC, or Ed25519");
            }
            published.add(key);
        }
        return new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static String quoted(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return "\"" + shown.replaceAll("[\\p{Cc}\\p{Cs}]", "?") + "\"";
    }

    /**
     * Ids administrators may choose: printable, no spaces; reserved URL characters are fine
     * (encoded in Basic).
     */
    private static final Pattern CLIENT_ID =
            Pattern.compile("[\\x21-\\x7E\\u00A0-\\uFFFF&&[^\\p{Cs}]]{1,128}");

    private static final Pattern UUID_FORM =
            Pattern.compile("(?i)[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

    /** Refuses an id a new client may not have. */
    public static void checkClientId(String clientId) {
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw invalid("client_id must be 1 to 128 printable characters without spaces");
        }
        if (UUID_FORM.matcher(clientId).matches()) {
            // A client's own tokens have sub = client_id, and a user's sub is its UUID: they must
            // never meet.
            throw invalid("client_id may not have the form of a UUID: user ids have it");
        }
    }

    public static Failure invalid(String description) {
        return new Failure(Failure.Reason.INVALID_CLIENT_METADATA, description);
    }
}
