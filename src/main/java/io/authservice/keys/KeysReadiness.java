package io.authservice.keys;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only with signing keys loaded (the database has its own check, {@code DatabaseReadiness}). */
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
                : HealthCheckResponse.named("signing-keys").up()
                        .withData("active", snapshot.active().kid())
                        .withData("published", snapshot.published().size())
                        .build();
    }
}
