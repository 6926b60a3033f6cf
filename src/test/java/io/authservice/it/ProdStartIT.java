package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service in the prod profile, configured only by the variables the contract names.
 * Reports the time from start to ready and the resident memory after start.
 */
class ProdStartIT {

    private String database;

    @BeforeEach
    void emptyDatabase() throws Exception {
        database = Service.createDatabase();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        Service.dropDatabase(database);
    }

    @Test
    void refusesToStartWithoutAKeyEncryptionKey() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("AUTH_KEYS_ENCRYPTION_KEY", null);
        try (Service service = Service.start(database, env)) {
            assertTrue(
                    service.process.waitFor(60, TimeUnit.SECONDS),
                    "the service should have stopped");
            assertNotEquals(0, service.process.exitValue());
            assertTrue(service.log().contains("auth.keys.encryption-key"), service.log());
        }
    }

    @Test
    void startsOnAnEmptyDatabaseAndServesTheContract() throws Exception {
        Map<String, String> only = new HashMap<>();
        only.put("AUTH_BOOTSTRAP_ADMIN_USERNAME", null);
        only.put("AUTH_BOOTSTRAP_ADMIN_PASSWORD", null);
        try (Service service = Service.start(database, only)) {
            long readyMs = service.awaitReady();
            System.out.printf(
                    "ProdStartIT: ready in %d ms, resident memory after start %d MiB (java %s)%n",
                    readyMs, service.residentKib() / 1024, Runtime.version());

            String user = "it-" + UUID.randomUUID().toString().substring(0, 8);
            assertEquals(
                    201,
                    service.post(
                                    "/users",
                                    "application/json",
                                    "{\"username\":\""
                                            + user
                                            + "\",\"password\":\"correct-horse-battery\"}",
                                    null)
                            .statusCode());
            HttpResponse<String> token =
                    service.post(
                            "/oauth2/token",
                            "application/x-www-form-urlencoded",
                            "grant_type=password&username="
                                    + user
                                    + "&password=correct-horse-battery",
                            null);
            assertEquals(200, token.statusCode(), token.body());
            assertTrue(token.body().contains("\"refresh_token\""));
            String metadata = service.get("/.well-known/openid-configuration", null).body();
            assertTrue(metadata.contains("\"issuer\":\"https://auth.example.com\""), metadata);
            assertFalse(service.log().contains(Service.KEK), "the KEK must never be logged");

            // Operations on the management port only; JSON logs with an audit line per login.
            HttpResponse<String> ready = service.manage("/q/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("signing-keys"), ready.body());
            HttpResponse<String> database = service.manage("/q/health/group/database");
            assertEquals(200, database.statusCode(), database.body());
            assertTrue(
                    database.body().contains("\"database\"")
                            && !ready.body().contains("\"database\""),
                    "the database check in its group only: " + ready.body());
            assertEquals(
                    404, service.get("/q/health/ready", null).statusCode(), "not on the API port");
            assertTrue(
                    service.manage("/q/metrics")
                            .body()
                            .contains("auth_logins_total{outcome=\"success\"} 1.0"));
            String log = service.log();
            assertTrue(
                    log.lines()
                            .anyMatch(
                                    l ->
                                            l.startsWith("{")
                                                    && l.contains("\"loggerName\":\"audit\"")
                                                    && l.contains("event=login outcome=success")),
                    log);
            assertFalse(log.contains("correct-horse-battery"), "no password in the logs");
            assertFalse(
                    log.contains(Jose.field(token.body(), "refresh_token")),
                    "no token in the logs");
        }
    }

    /**
     * The migration step of deploy/components/migrations (the argument {@code migrate}): applies
     * the migrations without starting the service and exits at once (quarkus.init-and-exit exited 5
     * s after them); the service then starts on that schema with validation only.
     */
    @Test
    void migrateAppliesTheMigrationsAndExitsAtOnce() throws Exception {
        Map<String, String> migrate = new HashMap<>();
        migrate.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "true");
        migrate.put("AUTH_KEYS_ENCRYPTION_KEY", null);
        long applied = 0;
        try (Service migration = Service.start(database, migrate, "migrate")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (migration.process.isAlive() && System.nanoTime() < deadline) {
                if (applied == 0 && migration.log().contains("migrations applied: ")) {
                    applied = System.nanoTime();
                }
                Thread.sleep(20);
            }
            long exited = System.nanoTime();
            String log = migration.log();
            assertFalse(migration.process.isAlive(), "still running 90 s later: " + log);
            assertEquals(0, migration.process.exitValue(), log);
            long migrations;
            try (var files =
                    java.nio.file.Files.list(
                            java.nio.file.Path.of("src/main/resources/db/migration"))) {
                migrations = files.count();
            }
            assertTrue(log.contains("migrations applied: " + migrations + " now"), log);
            assertFalse(log.contains("Listening on"), "the service did not start: " + log);
            long lingered =
                    TimeUnit.NANOSECONDS.toMillis(exited - (applied == 0 ? exited : applied));
            System.out.printf(
                    "ProdStartIT: the migration step exited %d ms after 'migrations applied'%n",
                    lingered);
            assertTrue(lingered < 2000, "exited " + lingered + " ms after applying the migrations");
        }
        Map<String, String> validate =
                Map.of(
                        "QUARKUS_FLYWAY_MIGRATE_AT_START",
                        "false",
                        "QUARKUS_FLYWAY_VALIDATE_AT_START",
                        "true");
        try (Service service = Service.start(database, validate)) {
            service.awaitReady();
            assertFalse(
                    service.log().contains("Migrating schema"),
                    "the service migrated nothing itself");
        }
    }

    /** SIGTERM while a login hashes for seconds: the login still gets its tokens. */
    @Test
    void finishesInFlightRequestsOnShutdown() throws Exception {
        try (Service service =
                Service.start(database, Map.of("AUTH_PASSWORDS_ARGON2_ITERATIONS", "40"))) {
            service.awaitReady();
            String user = "it-" + UUID.randomUUID().toString().substring(0, 8);
            assertEquals(
                    201,
                    service.post(
                                    "/users",
                                    "application/json",
                                    "{\"username\":\""
                                            + user
                                            + "\",\"password\":\"correct-horse-battery\"}",
                                    null)
                            .statusCode());
            long start = System.nanoTime();
            var login =
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return service.post(
                                            "/oauth2/token",
                                            "application/x-www-form-urlencoded",
                                            "grant_type=password&username="
                                                    + user
                                                    + "&password=correct-horse-battery",
                                            null);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            Thread.sleep(300);
            service.process.destroy(); // SIGTERM
            HttpResponse<String> answer = login.get(60, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"access_token\""));
            assertTrue(
                    System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(300),
                    "the login was in flight");
            assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), "stopped after finishing");
        }
    }
}
