package io.authservice.keys;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: signing keys loaded in memory, all a replica needs to serve the JWKS, the metadata and
 * local token checks. The database is not part of it ({@code DatabaseHealth}, its own group).
 */
@Readiness
@Singleton
public class KeysReadiness implements HealthCheck {

    private final KeyRing keys;

    KeysReadiness(KeyRing keys) {
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        KeyRing.Snapshot snapshot = keys.snapshot();
        return snapshot == null
                ? HealthCheckResponse.down("signing-keys")
                : HealthCheckResponse.named("signing-keys")
                        .up()
                        .withData("active", snapshot.active().kid())
                        .withData("published", snapshot.published().size())
                        .build();
    }
}
