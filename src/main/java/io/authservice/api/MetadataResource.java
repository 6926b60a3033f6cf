package io.authservice.api;

import io.authservice.clients.Client;
import io.authservice.clients.ClientAssertions;
import io.authservice.config.TokensConfig;
import io.authservice.keys.KeyRing;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OpenID Connect Discovery and RFC 8414 metadata: the same document at both well-known paths. */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public class MetadataResource {

    static final List<String> CLAIMS =
            List.of(
                    "iss",
                    "sub",
                    "aud",
                    "exp",
                    "iat",
                    "jti",
                    "client_id",
                    "scope",
                    "groups",
                    "upn",
                    "preferred_username",
                    "sid",
                    "email");
    private static final List<String> AUTH_METHODS = Client.AUTH_METHODS;
    private static final List<String> CONFIDENTIAL_AUTH_METHODS =
            AUTH_METHODS.stream().filter(m -> !m.equals(Client.NONE)).toList();

    private final Map<String, Object> metadata;
    private final KeyRing keys;

    MetadataResource(TokensConfig config, KeyRing keys) {
        this.keys = keys;
        String issuer = config.issuer();
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("jwks_uri", base + "/.well-known/jwks.json");
        m.put("token_endpoint", base + "/oauth2/token");
        m.put("revocation_endpoint", base + "/oauth2/revoke");
        m.put("introspection_endpoint", base + "/oauth2/introspect");
        m.put("userinfo_endpoint", base + "/oauth2/userinfo");
        m.put(
                "grant_types_supported",
                List.of(Client.PASSWORD, Client.REFRESH_TOKEN, Client.CLIENT_CREDENTIALS));
        m.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("token_endpoint_auth_signing_alg_values_supported", ClientAssertions.algorithms());
        m.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put(
                "revocation_endpoint_auth_signing_alg_values_supported",
                ClientAssertions.algorithms());
        m.put("introspection_endpoint_auth_methods_supported", CONFIDENTIAL_AUTH_METHODS);
        m.put(
                "introspection_endpoint_auth_signing_alg_values_supported",
                ClientAssertions.algorithms());
        // No authorization endpoint (yet): no response type is supported.
        m.put("response_types_supported", List.of());
        m.put("subject_types_supported", List.of("public"));
        m.put("scopes_supported", List.copyOf(config.tokens().scopes()));
        m.put("claims_supported", CLAIMS);
        this.metadata = Collections.unmodifiableMap(m);
    }

    @GET
    @NonBlocking
    @Path("/openid-configuration")
    public Response openidConfiguration() {
        return answer();
    }

    @GET
    @NonBlocking
    @Path("/oauth-authorization-server")
    public Response authorizationServer() {
        return answer();
    }

    /** The document with the algorithms of the keys published now (they change with rotation). */
    private Response answer() {
        Map<String, Object> document = new LinkedHashMap<>(metadata);
        document.put(
                "id_token_signing_alg_values_supported", List.copyOf(keys.snapshot().algorithms()));
        return Response.ok(document)
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
                .build();
    }
}
