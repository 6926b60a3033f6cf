package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service in the prod profile, configured the way a deployment is: only environment
 * variables. Reports the time from start to ready and the resident memory after start.
 */
class ProdStartIT {

    private static final String PG = System.getProperty("it.pg", "127.0.0.1:5432");
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final HttpClient http = HttpClient.newHttpClient();
    private String database;
    private Process service;
    private Path log;

    @BeforeEach
    void emptyDatabase() throws Exception {
        database = "auth_it_" + UUID.randomUUID().toString().substring(0, 8);
        sql("create database " + database);
        log = Files.createTempFile("auth-it", ".log");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (service != null) {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
        sql("drop database if exists " + database);
        Files.deleteIfExists(log);
    }

    @Test
    void refusesToStartWithoutAKeyEncryptionKey() throws Exception {
        service = start(Map.of(), freePort());
        assertTrue(service.waitFor(60, TimeUnit.SECONDS), "the service should have stopped");
        assertNotEquals(0, service.exitValue());
        assertTrue(Files.readString(log).contains("auth.keys.encryption-key"), Files.readString(log));
    }

    @Test
    void startsOnAnEmptyDatabaseAndServesTheContract() throws Exception {
        int port = freePort();
        String kek = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes());
        long started = System.nanoTime();
        service = start(Map.of("AUTH_KEYS_ENCRYPTION_KEY", kek), port);
        URI base = URI.create("http://127.0.0.1:" + port);
        long readyMs = waitForJwks(base, started);
        long rssKib = residentKib(service.pid());
        System.out.printf("ProdStartIT: ready in %d ms, resident memory after start %d MiB (java %s)%n",
                readyMs, rssKib / 1024, Runtime.version());

        String user = "it-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, post(base, "/users", "application/json",
                "{\"username\":\"" + user + "\",\"password\":\"correct-horse-battery\"}").statusCode());
        HttpResponse<String> token = post(base, "/oauth2/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=" + user + "&password=correct-horse-battery");
        assertEquals(200, token.statusCode(), token.body());
        assertTrue(token.body().contains("\"refresh_token\""));
        String metadata = http.send(HttpRequest.newBuilder(base.resolve("/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metadata.contains("\"issuer\":\"https://auth.example.com\""), metadata);
        assertFalse(Files.readString(log).contains(kek), "the KEK must never be logged");
    }

    private Process start(Map<String, String> extra, int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-jar", JAR.toString());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AUTH_") || k.startsWith("QUARKUS_"));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + PG + "/" + database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + PG + "/" + database);
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("AUTH_ISSUER", "https://auth.example.com");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.putAll(extra);
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private long waitForJwks(URI base, long started) throws Exception {
        HttpRequest jwks = HttpRequest.newBuilder(base.resolve("/.well-known/jwks.json"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
            assertTrue(service.isAlive(), () -> "the service stopped: " + readLog());
            try {
                if (http.send(jwks, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not ready after 60 s: " + readLog());
    }

    private HttpResponse<String> post(URI base, String path, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long residentKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElse(-1L);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "")) {
            c.createStatement().execute(statement);
        }
    }
}
