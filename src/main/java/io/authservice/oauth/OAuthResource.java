package io.authservice.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.audit.Audit;
import io.authservice.clients.Client;
import io.authservice.clients.ClientAuthentication;
import io.authservice.config.AuthConfig;
import io.authservice.tokens.RefreshTokens;
import io.authservice.web.ClientAddress;
import io.authservice.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import java.util.function.BiFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /oauth2/token} (RFC 6749), {@code /oauth2/revoke} (RFC 7009) and
 * {@code /oauth2/introspect} (RFC 7662): each authenticates its client first.
 */
@Path("/oauth2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class OAuthResource {

    private final TokenService tokens;
    private final RefreshTokens refreshTokens;
    private final Introspection introspection;
    private final ClientAuthentication clientAuthentication;
    private final ObjectMapper json;
    private final Audit audit;
    private final ClientAddress clientAddress;
    private final String base;

    OAuthResource(TokenService tokens, RefreshTokens refreshTokens, Introspection introspection,
            ClientAuthentication clientAuthentication, ObjectMapper json, Audit audit, ClientAddress clientAddress,
            AuthConfig config) {
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.introspection = introspection;
        this.clientAuthentication = clientAuthentication;
        this.json = json;
        this.audit = audit;
        this.clientAddress = clientAddress;
        this.base = config.issuer().replaceAll("/+$", "");
    }

    @POST
    @Path("/token")
    @Operation(summary = "Token endpoint (RFC 6749): password, refresh_token and client_credentials grants")
    @RequestBody(content = {
            @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED, schema = @Schema(implementation = TokenRequest.class)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenRequest.class))})
    @APIResponse(responseCode = "200", description = "tokens; Cache-Control: no-store",
            content = @Content(schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid_request, invalid_grant, unsupported_grant_type, invalid_scope, unauthorized_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "invalid_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "429", description = "throttled; see Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> token(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body, @Context HttpServerRequest request) {
        String source = clientAddress.of(request);
        return authenticated(contentType, authorization, body, "/token", source,
                (params, client) -> tokens.grant(params, client, source))
                .map(answer -> Response.ok(answer)
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .header("Pragma", "no-cache")
                        .build());
    }

    /** Revoking a refresh token ends its family; unknown tokens, other clients' and access tokens answer 200 too. */
    @POST
    @Path("/revoke")
    @Operation(summary = "Revocation (RFC 7009): form field token, optional token_type_hint; 200 even for unknown tokens")
    @APIResponse(responseCode = "200", description = "revoked, or nothing to revoke")
    @APIResponse(responseCode = "400", description = "invalid_request",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "invalid_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> revoke(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body, @Context HttpServerRequest request) {
        String source = clientAddress.of(request);
        return authenticated(contentType, authorization, body, "/revoke", source,
                (params, client) -> refreshTokens.revoke(params.required("token"), client.clientId()))
                .invoke(revoked -> audit.revocation("revoked", null, revoked, source))
                .map(done -> Response.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }

    @POST
    @Path("/introspect")
    @Operation(summary = "Introspection (RFC 7662) for confidential clients: form field token, optional token_type_hint")
    @APIResponse(responseCode = "200", description = "{\"active\": false}, or active with sub, client_id, scope, exp, iat, token_type, username, aud, iss")
    @APIResponse(responseCode = "400", description = "invalid_request",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "invalid_client: no client, a public client, or wrong credentials",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "temporarily_unavailable: the token could not be checked; never active:false for that",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> introspect(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body, @Context HttpServerRequest request) {
        String source = clientAddress.of(request);
        return authenticated(contentType, authorization, body, "/introspect", source, (params, client) -> {
                    if (!client.confidential()) {
                        throw new io.authservice.web.ApiError(Status.UNAUTHORIZED, "invalid_client",
                                "introspection is for clients that authenticate");
                    }
                    return introspection.introspect(params.required("token"));
                })
                .map(answer -> Response.ok(answer).header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }

    /** Parses the body, authenticates the client, then does {@code work} for it. */
    private <T> Uni<T> authenticated(String contentType, String authorization, byte[] body, String path, String source,
            BiFunction<OAuthParams, Client, Uni<T>> work) {
        return Uni.createFrom().item(() -> OAuthParams.parse(contentType, body, json))
                .chain(params -> clientAuthentication.authenticate(params.client(authorization), base + "/oauth2" + path, source)
                        .chain(client -> work.apply(params, client)));
    }
}
