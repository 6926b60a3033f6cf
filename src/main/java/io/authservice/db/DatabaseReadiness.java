package io.authservice.db;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while PostgreSQL answers {@code select 1} within {@code auth.database.timeout}. It
 * replaces Quarkus' own reactive datasource check ({@code quarkus.datasource.health.enabled=false}),
 * which waits on the database without a deadline, so readiness always answers, and goes DOWN on the
 * first probe after the database stops answering.
 */
@Readiness
@Singleton
public class DatabaseReadiness implements AsyncHealthCheck {

    static final String NAME = "database";

    private final Database database;

    DatabaseReadiness(Database database) {
        this.database = database;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long start = System.nanoTime();
        return database.execute("select 1", Tuple.tuple())
                .map(rows -> HealthCheckResponse.named(NAME).up()
                        .withData("millis", (System.nanoTime() - start) / 1_000_000).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("error", e instanceof DatabaseUnavailable ? "unavailable: " + e.getMessage()
                                : e.getClass().getSimpleName()).build());
    }
}
