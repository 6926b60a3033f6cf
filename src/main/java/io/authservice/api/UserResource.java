package io.authservice.api;

import io.authservice.account.Account;
import io.authservice.config.TokensConfig;
import io.authservice.users.Callers;
import io.authservice.users.NewUser;
import io.authservice.users.PasswordChange;
import io.authservice.users.UserView;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.util.UUID;

/** {@code /users}: registration, and the caller's own profile and password. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final Account account;

    /** Location is under the issuer, never built from Host or forwarded headers a client chose. */
    private final String base;

    private final SourceAddress sourceAddress;

    UserResource(Account account, TokensConfig config, SourceAddress sourceAddress) {
        this.account = account;
        this.sourceAddress = sourceAddress;
        this.base = config.issuer().replaceAll("/+$", "");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(
            @Valid @NotNull NewUser request, @Context HttpServerRequest http) {
        return account.register(request, sourceAddress.of(http))
                .map(
                        user ->
                                Response.created(URI.create(base + "/users/me")) // where the new
                                        // user reads it,
                                        // once logged in
                                        .entity(UserView.of(user))
                                        .build());
    }

    @GET
    @Path("/me")
    @Authenticated
    public Uni<UserView> me(@Context SecurityContext security) {
        return account.me(caller(security), Callers.session(security.getUserPrincipal()));
    }

    @POST
    @Path("/me/password")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> changePassword(
            @Context SecurityContext security,
            @Context HttpServerRequest request,
            @Valid @NotNull PasswordChange change) {
        return account.changePassword(caller(security), change, sourceAddress.of(request))
                .map(done -> Response.noContent().build());
    }

    private static UUID caller(SecurityContext security) {
        return Callers.id(security.getUserPrincipal());
    }
}
