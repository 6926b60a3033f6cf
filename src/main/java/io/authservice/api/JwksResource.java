package io.authservice.api;

import io.authservice.config.KeysConfig;
import io.authservice.keys.KeyRing;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /.well-known/jwks.json}: the published keys (RFC 7517), cacheable, with a strong ETag.
 */
@Path("/.well-known/jwks.json")
public class JwksResource {

    private final KeyRing keys;
    private final String cacheControl;

    JwksResource(KeyRing keys, KeysConfig config) {
        this.keys = keys;
        this.cacheControl = "public, max-age=" + config.jwksMaxAge().toSeconds();
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response jwks(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        KeyRing.Snapshot current = keys.snapshot();
        Response.ResponseBuilder answer =
                matches(ifNoneMatch, current.etag())
                        ? Response.notModified()
                        : Response.ok(current.jwks(), MediaType.APPLICATION_JSON_TYPE);
        return answer.header(HttpHeaders.ETAG, current.etag())
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .build();
    }

    /** RFC 9110 §13.1.2: a list of tags or {@code *}, compared weakly. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
