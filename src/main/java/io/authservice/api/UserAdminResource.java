package io.authservice.api;

import io.authservice.admin.UserAdministration;
import io.authservice.platform.ControlCharacters;
import io.authservice.users.Callers;
import io.authservice.users.UserView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code /admin/users}: search, read, disable/enable, roles, delete, end sessions. */
@Path("/admin/users")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class UserAdminResource {

    /** The body of {@code PUT /admin/users/{id}/roles}. */
    @RegisterForReflection
    public record Roles(
            @NotNull @Size(max = 16)
                    List<@NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,31}") String> roles) {}

    private final UserAdministration admin;

    UserAdminResource(UserAdministration admin) {
        this.admin = admin;
    }

    @GET
    public Uni<UserAdministration.Page> search(
            @QueryParam("search")
                    @Size(max = 64)
                    @Pattern(regexp = ControlCharacters.NONE, message = ControlCharacters.MESSAGE)
                    String search,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size) {
        return admin.search(search, page, size);
    }

    @GET
    @Path("/{id}")
    public Uni<UserView> read(@PathParam("id") UUID id) {
        return admin.read(id);
    }

    @POST
    @Path("/{id}/disable")
    public Uni<UserView> disable(@Context SecurityContext security, @PathParam("id") UUID id) {
        return admin.setEnabled(Callers.id(security.getUserPrincipal()), id, false);
    }

    @POST
    @Path("/{id}/enable")
    public Uni<UserView> enable(@Context SecurityContext security, @PathParam("id") UUID id) {
        return admin.setEnabled(Callers.id(security.getUserPrincipal()), id, true);
    }

    @PUT
    @Path("/{id}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<UserView> roles(
            @Context SecurityContext security,
            @PathParam("id") UUID id,
            @Valid @NotNull Roles roles) {
        return admin.setRoles(Callers.id(security.getUserPrincipal()), id, roles.roles());
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@Context SecurityContext security, @PathParam("id") UUID id) {
        return admin.delete(Callers.id(security.getUserPrincipal()), id)
                .map(done -> Response.noContent().build());
    }

    /** Lifts the account limit on logins from new devices (strangers' failures are forgotten). */
    @DELETE
    @Path("/{id}/login-limit")
    public Uni<Response> liftLoginLimit(@PathParam("id") UUID id) {
        return admin.liftLoginLimit(id).map(done -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/revoke-sessions")
    public Uni<Map<String, Integer>> revokeSessions(@PathParam("id") UUID id) {
        return admin.revokeSessions(id).map(n -> Map.of("revoked_sessions", n));
    }
}
