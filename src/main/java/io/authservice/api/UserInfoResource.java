package io.authservice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.authservice.platform.Failure;
import io.authservice.sessions.Sessions;
import io.authservice.users.Callers;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * OpenID Connect Core §5.3 UserInfo: the claims of the user a bearer token is about, while its
 * session lives; {@code preferred_username} with the {@code profile} scope, {@code email} with
 * {@code email}.
 */
@Path("/oauth2/userinfo")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class UserInfoResource {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
    public record UserInfo(
            String sub,
            @JsonProperty("preferred_username") String preferredUsername,
            String email,
            @JsonProperty("email_verified") Boolean emailVerified,
            List<String> groups) {}

    private final Sessions sessions;

    UserInfoResource(Sessions sessions) {
        this.sessions = sessions;
    }

    @GET
    public Uni<UserInfo> get(@Context SecurityContext security) {
        return userInfo(security);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<UserInfo> post(@Context SecurityContext security) {
        return userInfo(security);
    }

    private Uni<UserInfo> userInfo(SecurityContext security) {
        UUID user = Callers.id(security.getUserPrincipal());
        JsonWebToken token = (JsonWebToken) security.getUserPrincipal();
        Set<String> scopes =
                Set.copyOf(Arrays.asList(String.valueOf(Callers.claim(token, "scope")).split(" ")));
        if (!scopes.contains("openid")) {
            throw new Failure(
                    Failure.Reason.INSUFFICIENT_SCOPE,
                    "userinfo needs a token with the openid scope");
        }
        return sessions.liveSession(Callers.session(security.getUserPrincipal()), user)
                .map(
                        found -> {
                            if (found == null) {
                                throw new AuthenticationFailedException(
                                        "the session of this token has ended");
                            }
                            String email = scopes.contains("email") ? found.email() : null;
                            // This service never verifies an address (nor keeps it unique): a
                            // relying party must not trust it.
                            return new UserInfo(
                                    user.toString(),
                                    scopes.contains("profile") ? found.username() : null,
                                    email,
                                    email == null ? null : Boolean.FALSE,
                                    found.roles());
                        });
    }
}
