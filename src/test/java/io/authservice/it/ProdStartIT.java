package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

            String user = register(service);
            HttpResponse<String> token = login(service, user);
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
            assertFalse(log.contains(Service.PASSWORD), "no password in the logs");
            assertFalse(
                    log.contains(Jose.field(token.body(), "refresh_token")),
                    "no token in the logs");
            // A start (and a contract served) that warns of nothing: a warning at every start
            // teaches operators to ignore warnings.
            List<String> warnings =
                    log.lines()
                            .filter(
                                    l ->
                                            l.startsWith("{")
                                                    ? l.contains("\"level\":\"WARN")
                                                            || l.contains("\"level\":\"ERROR")
                                                    // the JVM's own, before logging starts
                                                    : l.contains("WARN") || l.contains("ERROR"))
                            .toList();
            assertEquals(List.of(), warnings, "WARN or ERROR lines in the log");
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
        long[] appliedAt = {0};
        try (Service migration = Service.start(database, migrate, "migrate")) {
            Await.until(
                    "the migration step exited",
                    Duration.ofSeconds(90),
                    () -> {
                        if (appliedAt[0] == 0 && migration.log().contains("migrations applied: ")) {
                            appliedAt[0] = System.nanoTime();
                        }
                        return !migration.process.isAlive();
                    });
            long exited = System.nanoTime();
            long applied = appliedAt[0];
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
            String user = register(service);
            long[] answeredAt = {0};
            var login =
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    HttpResponse<String> answer = login(service, user);
                                    answeredAt[0] = System.nanoTime();
                                    return answer;
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            // In flight: its attempt is counted (login_failures) before it hashes for seconds.
            Await.until(
                    "the login reached the service",
                    Duration.ofSeconds(10),
                    () ->
                            ((Long)
                                            Service.value(
                                                    database,
                                                    "select count(*) from login_failures where username = ?",
                                                    user))
                                    > 0);
            long sigterm = System.nanoTime();
            service.process.destroy(); // SIGTERM
            HttpResponse<String> answer = login.get(60, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"access_token\""));
            assertTrue(answeredAt[0] - sigterm > 0, "the login was in flight at SIGTERM");
            assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), "stopped after finishing");
        }
    }

    private static String register(Service service) throws Exception {
        return service.register("it-");
    }

    private static HttpResponse<String> login(Service service, String user) throws Exception {
        return service.post(
                "/oauth2/token",
                "application/x-www-form-urlencoded",
                "grant_type=password&username=" + user + "&password=" + Service.PASSWORD,
                null);
    }
}
