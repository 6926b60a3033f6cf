package io.authservice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.authservice.admin.KeyAdministration;
import io.authservice.keys.KeyRing;
import io.authservice.keys.SigningKey;
import io.authservice.platform.Failure;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code /admin/keys}: the signing keys with their states and dates, staged and emergency rotation.
 */
@Path("/admin/keys")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class KeyAdminResource {

    /** A key as administrators see it: never private material. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
    public record KeyView(
            String kid,
            String algorithm,
            String state,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("activated_at") Instant activatedAt,
            @JsonProperty("activate_at") Instant activateAt,
            @JsonProperty("retired_at") Instant retiredAt,
            @JsonProperty("remove_at") Instant removeAt) {

        static KeyView of(SigningKey key) {
            SigningKey.Dates d = key.dates();
            return new KeyView(
                    key.kid(),
                    key.algorithm(),
                    key.state().name().toLowerCase(Locale.ROOT),
                    d.created(),
                    d.activated(),
                    d.activateAt(),
                    d.retired(),
                    d.removeAt());
        }
    }

    @RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
    public record Withdrawn(
            String kid,
            @JsonProperty("active_kid") String activeKid,
            @JsonProperty("revoked_sessions") int revokedSessions) {}

    private final KeyRing keys;
    private final KeyAdministration administration;

    KeyAdminResource(KeyRing keys, KeyAdministration administration) {
        this.keys = keys;
        this.administration = administration;
    }

    @GET
    public Uni<List<KeyView>> list() {
        Uni<KeyRing.Snapshot> current =
                keys.managedByFiles() ? Uni.createFrom().item(keys.snapshot()) : keys.reload();
        return current.map(
                s ->
                        s.published().values().stream()
                                .sorted(
                                        java.util.Comparator.comparing(SigningKey::state)
                                                .thenComparing(k -> k.dates().created()))
                                .map(KeyView::of)
                                .toList());
    }

    /** Staged rotation: the next key is published now and signs after the lead time. */
    @POST
    @Path("/rotate")
    public Uni<KeyView> rotate() {
        databaseKeys();
        return administration.rotate().map(KeyView::of);
    }

    /**
     * Emergency rotation of a compromised key: it leaves the JWKS at once, so access tokens it
     * signed stop verifying, and the sessions that received such tokens are revoked.
     */
    @POST
    @Path("/{kid}/withdraw")
    public Uni<Withdrawn> withdraw(@PathParam("kid") String kid) {
        databaseKeys();
        return administration
                .withdraw(kid)
                .map(w -> new Withdrawn(w.kid(), w.activeKid(), w.revokedSessions()));
    }

    private void databaseKeys() {
        if (keys.managedByFiles()) {
            throw new Failure(
                    Failure.Reason.KEYS_MANAGED_BY_FILES,
                    "keys come from files (auth.keys.source=files): rotate them in the Secret");
        }
    }
}
