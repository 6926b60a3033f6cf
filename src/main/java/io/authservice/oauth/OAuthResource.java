package io.authservice.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.audit.Audit;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import io.authservice.tokens.RefreshTokens;
import io.authservice.web.ClientAddress;
import io.authservice.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code POST /oauth2/token} (RFC 6749) and {@code POST /oauth2/revoke} (RFC 7009). */
@Path("/oauth2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class OAuthResource {

    private final TokenService tokens;
    private final RefreshTokens refreshTokens;
    private final ObjectMapper json;
    private final Audit audit;
    private final ClientAddress clientAddress;

    OAuthResource(TokenService tokens, RefreshTokens refreshTokens, ObjectMapper json, Audit audit,
            ClientAddress clientAddress) {
        this.audit = audit;
        this.clientAddress = clientAddress;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.json = json;
    }

    @POST
    @Path("/token")
    @Operation(summary = "Token endpoint (RFC 6749): password and refresh_token grants")
    @RequestBody(content = {
            @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED, schema = @Schema(implementation = TokenRequest.class)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenRequest.class))})
    @APIResponse(responseCode = "200", description = "tokens; Cache-Control: no-store",
            content = @Content(schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid_request, invalid_grant, unsupported_grant_type, invalid_scope",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "invalid_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "429", description = "throttled; see Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> token(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body,
            @Context HttpServerRequest request) {
        String source = clientAddress.of(request);
        return Uni.createFrom().item(() -> OAuthParams.parse(contentType, body, json))
                .chain(params -> tokens.grant(params, source))
                .map(answer -> Response.ok(answer)
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .header("Pragma", "no-cache")
                        .build());
    }

    /** Revoking a refresh token ends its family; unknown tokens and access tokens answer 200 too. */
    @POST
    @Path("/revoke")
    @Operation(summary = "Revocation (RFC 7009): form field token, optional token_type_hint; 200 even for unknown tokens")
    @APIResponse(responseCode = "200", description = "revoked, or nothing to revoke")
    @APIResponse(responseCode = "400", description = "invalid_request",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> revoke(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body,
            @Context HttpServerRequest request) {
        String source = clientAddress.of(request);
        return Uni.createFrom().item(() -> OAuthParams.parse(contentType, body, json))
                .chain(params -> {
                    tokens.client(params);
                    return refreshTokens.revoke(params.required("token"));
                })
                .invoke(revoked -> audit.revocation("revoked", null, revoked, source))
                .map(done -> Response.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }
}
