package io.authservice.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.audit.Audit;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import io.authservice.tokens.RefreshTokens;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /oauth2/token} (RFC 6749) and {@code POST /oauth2/revoke} (RFC 7009). */
@Path("/oauth2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class OAuthResource {

    private final TokenService tokens;
    private final RefreshTokens refreshTokens;
    private final ObjectMapper json;
    private final Audit audit;

    OAuthResource(TokenService tokens, RefreshTokens refreshTokens, ObjectMapper json, Audit audit) {
        this.audit = audit;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.json = json;
    }

    @POST
    @Path("/token")
    public Uni<Response> token(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body,
            @Context HttpServerRequest request) {
        String source = source(request);
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
    public Uni<Response> revoke(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body,
            @Context HttpServerRequest request) {
        String source = source(request);
        return Uni.createFrom().item(() -> OAuthParams.parse(contentType, body, json))
                .chain(params -> {
                    tokens.client(params);
                    return refreshTokens.revoke(params.required("token"));
                })
                .invoke(revoked -> audit.revocation("revoked", null, revoked, source))
                .map(done -> Response.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }

    /** The caller's address (the forwarded one behind the ingress). */
    static String source(HttpServerRequest request) {
        return request.remoteAddress() == null ? "-" : request.remoteAddress().host();
    }
}
