package io.authservice.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.clients.Client;
import io.authservice.clients.ClientAuthentication;
import io.authservice.config.LoginConfig;
import io.authservice.config.TokensConfig;
import io.authservice.oauth.Introspection;
import io.authservice.oauth.TokenResponse;
import io.authservice.oauth.TokenService;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.sessions.Sessions;
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
import java.util.Optional;
import java.util.function.BiFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /oauth2/token} (RFC 6749), {@code /oauth2/revoke} (RFC 7009) and {@code
 * /oauth2/introspect} (RFC 7662): each authenticates its client first.
 */
@Path("/oauth2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class OAuthResource {

    /**
     * 403: a request that uses or sets the refresh-token cookie without an Origin its client
     * allows.
     */
    static final String INVALID_ORIGIN = Failure.Reason.INVALID_ORIGIN.code;

    private final TokenService tokens;
    private final Sessions sessions;
    private final Introspection introspection;
    private final ClientAuthentication clientAuthentication;
    private final ObjectMapper json;
    private final Audit audit;
    private final SourceAddress sourceAddress;
    private final DeviceCookie deviceCookie;
    private final RefreshCookie refreshCookie;
    private final long deviceLifetimeSeconds;

    OAuthResource(
            TokenService tokens,
            Sessions sessions,
            Introspection introspection,
            ClientAuthentication clientAuthentication,
            ObjectMapper json,
            Audit audit,
            SourceAddress sourceAddress,
            TokensConfig tokensConfig,
            LoginConfig loginConfig) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.introspection = introspection;
        this.clientAuthentication = clientAuthentication;
        this.json = json;
        this.audit = audit;
        this.sourceAddress = sourceAddress;
        this.deviceCookie = new DeviceCookie(Cookies.forIssuer(tokensConfig.issuer()));
        this.refreshCookie = new RefreshCookie(new Cookies(true));
        this.deviceLifetimeSeconds = loginConfig.knownDeviceLifetime().toSeconds();
    }

    @POST
    @Path("/token")
    @Operation(
            summary =
                    "Token endpoint (RFC 6749): password, refresh_token and client_credentials grants")
    @RequestBody(
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_FORM_URLENCODED,
                        schema = @Schema(implementation = TokenRequest.class)),
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = TokenRequest.class))
            })
    @APIResponse(
            responseCode = "200",
            description =
                    "tokens; Cache-Control: no-store. A cookie-mode client gets the refresh"
                            + " token in a Set-Cookie (HttpOnly; SameSite=Strict; Path=/oauth2/; Secure when the issuer is https), not in the body",
            content = @Content(schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "invalid_request, invalid_grant, unsupported_grant_type, invalid_scope, unauthorized_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "401",
            description = "invalid_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "403",
            description =
                    "invalid_origin: a cookie-mode client's request without an Origin the client allows",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "429",
            description = "throttled; see Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> token(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body,
            @Context HttpServerRequest request) {
        String source = sourceAddress.of(request);
        return authenticated(
                contentType,
                authorization,
                body,
                source,
                (params, client) ->
                        tokens.grant(
                                        withDeviceCookie(
                                                        withRefreshCookie(params, client, request),
                                                        request)
                                                .grant(),
                                        client,
                                        source)
                                .map(answer -> tokenAnswer(answer, client)));
    }

    /**
     * A cookie-mode client's token requests all use or set the cookie, so each must come from an
     * Origin the client allows (a login from another page of the site would otherwise replace the
     * session's cookie); a refresh without a {@code refresh_token} field presents the cookie's
     * token.
     */
    private OAuthParams withRefreshCookie(
            OAuthParams params, Client client, HttpServerRequest request) {
        if (!client.cookieMode()) {
            return params;
        }
        requireAllowedOrigin(client, request);
        if (!params.optional("grant_type").equals(Optional.of(Client.REFRESH_TOKEN))
                || params.optional("refresh_token").isPresent()) {
            return params;
        }
        return refreshCookie
                .read(request, client.clientId())
                .map(token -> params.with("refresh_token", token))
                .orElse(params);
    }

    /**
     * A password grant without a {@code device_token} field presents the device cookie's, if any.
     */
    private OAuthParams withDeviceCookie(OAuthParams params, HttpServerRequest request) {
        if (!params.optional("grant_type").equals(Optional.of("password"))
                || params.optional(DeviceCookie.FIELD).isPresent()) {
            return params;
        }
        return deviceCookie
                .read(request)
                .map(token -> params.with(DeviceCookie.FIELD, token))
                .orElse(params);
    }

    /**
     * In cookie mode the refresh token leaves in the cookie, not the body; refresh_expires_in
     * stays. A password login's device token goes both in the body and in the device cookie.
     */
    private Response tokenAnswer(TokenResponse answer, Client client) {
        Response.ResponseBuilder response =
                Response.ok()
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .header("Pragma", "no-cache");
        if (answer.deviceToken() != null) {
            response.header(
                    HttpHeaders.SET_COOKIE,
                    deviceCookie.set(answer.deviceToken(), deviceLifetimeSeconds));
        }
        if (client.cookieMode() && answer.refreshToken() != null) {
            response.header(
                    HttpHeaders.SET_COOKIE,
                    refreshCookie.set(
                            client.clientId(), answer.refreshToken(), answer.refreshExpiresIn()));
            answer = answer.withoutRefreshToken();
        }
        return response.entity(answer).build();
    }

    /**
     * The cookie rides along with any request of the site, so using it needs the page's origin to
     * be one of the client's {@code allowed_cors_origins}: another page (of the same site) cannot
     * use it.
     */
    private static void requireAllowedOrigin(Client client, HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || !client.allowedCorsOrigins().contains(origin)) {
            throw new Failure(
                    Failure.Reason.INVALID_ORIGIN,
                    origin == null
                            ? "a request that uses the refresh-token cookie must carry an Origin header"
                            : "this client does not allow the origin " + origin);
        }
    }

    /**
     * Revoking a refresh token ends its session; unknown tokens, other clients' and access tokens
     * answer 200 too.
     */
    @POST
    @Path("/revoke")
    @Operation(
            summary =
                    "Revocation (RFC 7009): form field token, optional token_type_hint; 200 even for unknown tokens."
                            + " A cookie-mode client without token revokes the cookie's session and clears the cookie")
    @APIResponse(responseCode = "200", description = "revoked, or nothing to revoke")
    @APIResponse(
            responseCode = "403",
            description =
                    "invalid_origin: a revocation of the cookie without an Origin the client allows",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "400",
            description = "invalid_request",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "401",
            description = "invalid_client",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> revoke(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body,
            @Context HttpServerRequest request) {
        String source = sourceAddress.of(request);
        return authenticated(
                contentType,
                authorization,
                body,
                source,
                (params, client) -> {
                    Response.ResponseBuilder answer =
                            Response.ok().header(HttpHeaders.CACHE_CONTROL, "no-store");
                    Optional<String> token = params.optional("token");
                    if (token.isEmpty() && client.cookieMode()) {
                        // Logging out of a cookie-mode client: its cookie's session ends and the
                        // cookie goes.
                        requireAllowedOrigin(client, request);
                        token = refreshCookie.read(request, client.clientId());
                        answer.header(
                                HttpHeaders.SET_COOKIE, refreshCookie.clear(client.clientId()));
                    } else {
                        token = Optional.of(params.required("token"));
                    }
                    Uni<Integer> revoked =
                            token.isPresent()
                                    ? sessions.revoke(token.get(), client.clientId())
                                    : Uni.createFrom().item(0);
                    return revoked.invoke(count -> audit.revocation("revoked", null, count, source))
                            .map(done -> answer.build());
                });
    }

    @POST
    @Path("/introspect")
    @Operation(
            summary =
                    "Introspection (RFC 7662) for confidential clients registered with introspection_allowed:"
                            + " form field token, optional token_type_hint")
    @APIResponse(
            responseCode = "200",
            description =
                    "{\"active\": false}, or active with sub, client_id, scope, exp, iat,"
                            + " token_type, username, aud, iss; active only for tokens meant for the calling client (in aud, or its"
                            + " client_id; refresh tokens of its own)")
    @APIResponse(
            responseCode = "400",
            description = "invalid_request",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "401",
            description = "invalid_client: no client, a public client, or wrong credentials",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "403",
            description = "unauthorized_client: the client is not registered for introspection",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "503",
            description =
                    "temporarily_unavailable: the token could not be checked; never active:false for that",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> introspect(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body,
            @Context HttpServerRequest request) {
        String source = sourceAddress.of(request);
        return authenticated(
                        contentType,
                        authorization,
                        body,
                        source,
                        (params, client) -> {
                            if (!client.confidential()) {
                                throw new Failure(
                                        Failure.Reason.INVALID_CLIENT,
                                        "introspection is for clients that authenticate");
                            }
                            if (!client.introspectionAllowed()) {
                                throw new Failure(
                                        Failure.Reason.ENDPOINT_NOT_PERMITTED,
                                        "this client is not registered for introspection (introspection_allowed)");
                            }
                            return introspection.introspect(
                                    params.required("token"), client.clientId());
                        })
                .map(
                        answer ->
                                Response.ok(answer)
                                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                                        .build());
    }

    /** Parses the body, authenticates the client, then does {@code work} for it. */
    private <T> Uni<T> authenticated(
            String contentType,
            String authorization,
            byte[] body,
            String source,
            BiFunction<OAuthParams, Client, Uni<T>> work) {
        // Plain calls, not Uni stages, until the first asynchronous step: each stage costs a
        // context-propagation wrapper per request. A failure still arrives as the Uni's failure.
        try {
            OAuthParams params = OAuthParams.parse(contentType, body, json);
            return clientAuthentication
                    .authenticate(params.client(authorization), source)
                    .chain(client -> work.apply(params, client));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
