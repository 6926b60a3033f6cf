package example;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

@Path("/hello")
public class HelloResource {

    @Inject
    JsonWebToken jwt;

    @GET
    @Authenticated
    @Produces(MediaType.TEXT_PLAIN)
    public String hello() {
        return "hello " + jwt.getSubject() + " (" + jwt.getClaim("preferred_username") + ", groups " + jwt.getGroups() + ")";
    }
}
