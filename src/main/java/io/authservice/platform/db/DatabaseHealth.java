package io.authservice.platform.db;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * UP while PostgreSQL answers {@code select 1} within {@code auth.database.timeout}, on {@code
 * /q/health/group/database}. Not part of readiness: a replica without its database still serves the
 * JWKS and metadata from memory and answers 503 to the rest, so it stays in the Service's endpoints
 * (README, "Readiness and the database"). It replaces Quarkus' own reactive datasource check
 * ({@code quarkus.datasource.health.enabled=false}), which waits on the database without a
 * deadline; this one always answers, and goes DOWN on the first call after the database stops
 * answering.
 */
@HealthGroup(DatabaseHealth.NAME)
@Singleton
public class DatabaseHealth implements AsyncHealthCheck {

    static final String NAME = "database";

    private final Database database;

    DatabaseHealth(Database database) {
        this.database = database;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long start = System.nanoTime();
        return database.execute("select 1", Tuple.tuple())
                .map(
                        rows ->
                                HealthCheckResponse.named(NAME)
                                        .up()
                                        .withData("millis", (System.nanoTime() - start) / 1_000_000)
                                        .build())
                .onFailure()
                .recoverWithItem(
                        e ->
                                HealthCheckResponse.named(NAME)
                                        .down()
                                        .withData(
                                                "error",
                                                e instanceof DatabaseUnavailable
                                                        ? "unavailable: " + e.getMessage()
                                                        : e.getClass().getSimpleName())
                                        .build());
    }
}
