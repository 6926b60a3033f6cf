package io.authservice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authservice.admin.ClientAdministration;
import io.authservice.admin.ClientAdministration.WithSecret;
import io.authservice.clients.Client;
import io.authservice.clients.ClientMetadata;
import io.authservice.config.TokensConfig;
import io.authservice.platform.ControlCharacters;
import io.authservice.platform.Failure;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /admin/clients}: registered clients with RFC 7591 metadata; secrets shown once. */
@Path("/admin/clients")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ClientAdminResource {

    /**
     * A client as RFC 7591 §3.2.1 answers it; {@code client_secret} only in the answer that made
     * it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
    public record ClientView(
            @JsonProperty("client_id") String clientId,
            @JsonProperty("client_id_issued_at") long clientIdIssuedAt,
            @JsonProperty("client_secret") String clientSecret,
            @JsonProperty("client_secret_expires_at") Long clientSecretExpiresAt,
            @JsonProperty("client_name") String clientName,
            @JsonProperty("grant_types") List<String> grantTypes,
            @JsonProperty("token_endpoint_auth_method") String tokenEndpointAuthMethod,
            String scope,
            List<String> audience,
            @JsonRawValue String jwks,
            @JsonProperty("allowed_cors_origins") List<String> allowedCorsOrigins,
            @JsonProperty("refresh_token_mode") String refreshTokenMode,
            @JsonProperty("access_token_lifespan") Integer accessTokenLifespan,
            @JsonProperty("introspection_allowed") boolean introspectionAllowed) {

        static ClientView of(Client c, String secret) {
            return new ClientView(
                    c.clientId(),
                    c.createdAt().getEpochSecond(),
                    secret,
                    secret == null ? null : 0L,
                    c.clientName(),
                    c.grantTypes().stream().sorted().toList(),
                    c.tokenEndpointAuthMethod(),
                    String.join(" ", c.scope()),
                    c.audience(),
                    c.jwks(),
                    c.allowedCorsOrigins(),
                    c.refreshTokenMode(),
                    c.accessTokenLifespan(),
                    c.introspectionAllowed());
        }

        static ClientView of(WithSecret c) {
            return of(c.client(), c.secret());
        }
    }

    private final ClientAdministration admin;
    private final ObjectMapper json;
    private final String base;

    ClientAdminResource(ClientAdministration admin, ObjectMapper json, TokensConfig config) {
        this.admin = admin;
        this.json = json;
        this.base = config.issuer().replaceAll("/+$", "");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Registers a client (RFC 7591 metadata); client_secret is in this answer only")
    @RequestBody(content = @Content(schema = @Schema(implementation = ClientMetadata.class)))
    @APIResponse(
            responseCode = "201",
            description = "registered; Location names it",
            content = @Content(schema = @Schema(implementation = ClientView.class)))
    @APIResponse(
            responseCode = "400",
            description = "invalid_client_metadata, saying which field",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "409",
            description = "client_id_taken",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> registerClient(JsonNode body) {
        return Uni.createFrom()
                .item(() -> ClientMetadata.from(body, json))
                .chain(admin::register)
                .map(
                        made ->
                                Response.created(
                                                URI.create(
                                                        base
                                                                + "/admin/clients/"
                                                                + URLEncoder.encode(
                                                                                made.client()
                                                                                        .clientId(),
                                                                                StandardCharsets
                                                                                        .UTF_8)
                                                                        .replace("+", "%20")))
                                        .entity(ClientView.of(made))
                                        .build());
    }

    @GET
    public Uni<List<ClientView>> listClients() {
        return admin.list()
                .map(clients -> clients.stream().map(c -> ClientView.of(c, null)).toList());
    }

    @GET
    @Path("/{clientId}")
    @APIResponse(
            responseCode = "200",
            description = "the client's metadata, never a secret",
            content = @Content(schema = @Schema(implementation = ClientView.class)))
    @APIResponse(
            responseCode = "404",
            description = "not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ClientView> readClient(
            @PathParam("clientId")
                    @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                    String clientId) {
        return admin.read(clientId).map(c -> ClientView.of(c, null));
    }

    @PUT
    @Path("/{clientId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = ClientMetadata.class)))
    @APIResponse(
            responseCode = "200",
            description = "replaced; client_secret only if one was made now",
            content = @Content(schema = @Schema(implementation = ClientView.class)))
    @APIResponse(
            responseCode = "400",
            description = "invalid_client_metadata",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "404",
            description = "not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ClientView> replaceClient(
            @PathParam("clientId")
                    @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                    String clientId,
            JsonNode body) {
        return Uni.createFrom()
                .item(() -> ClientMetadata.from(body, json))
                .chain(metadata -> admin.replace(clientId, metadata))
                .map(ClientView::of);
    }

    /** Deletes the client; its sessions end with it. */
    @DELETE
    @Path("/{clientId}")
    @APIResponse(responseCode = "204", description = "deleted; the client's sessions ended")
    @APIResponse(
            responseCode = "404",
            description = "not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> deleteClient(
            @PathParam("clientId")
                    @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                    String clientId) {
        return admin.delete(clientId).map(ended -> Response.noContent().build());
    }

    /**
     * A new secret; the previous one keeps working for {@code auth.clients.secret-overlap}, or
     * stops at once with {@code keep_previous=false} (a leaked secret).
     */
    @POST
    @Path("/{clientId}/secret")
    @APIResponse(
            responseCode = "200",
            description = "the new client_secret, shown this once",
            content = @Content(schema = @Schema(implementation = ClientView.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "invalid_request: the client has no secret, or keep_previous is not true or false",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "404",
            description = "not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ClientView> rotateClientSecret(
            @PathParam("clientId")
                    @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                    String clientId,
            @Parameter(
                            description =
                                    "false: the previous secret stops working now (default true: it overlaps"
                                            + " for auth.clients.secret-overlap)",
                            schema = @Schema(type = SchemaType.BOOLEAN))
                    @QueryParam("keep_previous")
                    String keepPrevious) {
        boolean keep = keepPrevious == null || keepPrevious.equals("true");
        if (!keep && !keepPrevious.equals("false")) {
            throw Failure.invalidRequest("keep_previous must be true or false");
        }
        return admin.rotateSecret(clientId, keep).map(ClientView::of);
    }

    /** Ends a rotation's overlap: the previous secret stops working now. */
    @DELETE
    @Path("/{clientId}/secret/previous")
    @APIResponse(
            responseCode = "204",
            description = "the previous secret (if any) no longer works; the current one does")
    @APIResponse(
            responseCode = "404",
            description = "not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> dropPreviousClientSecret(
            @PathParam("clientId")
                    @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                    String clientId) {
        return admin.dropPreviousSecret(clientId).map(done -> Response.noContent().build());
    }
}
