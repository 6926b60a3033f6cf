package io.authservice.it;

import io.authservice.Await;
import io.authservice.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app) run as a process in the prod profile, configured only
 * by environment variables, as a deployment runs it.
 */
final class Service implements AutoCloseable {

    static final String PG = System.getProperty("it.pg", "127.0.0.1:5432");
    static final String KEK = Base64Kek.random();
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "it-admin-password";

    /** The password of the users {@link #register} makes. */
    static final String PASSWORD = "correct-horse-battery";

    final URI base;
    final URI management;
    final Path log;
    final Process process;
    final long startedNanos;
    private final HttpClient http = HttpClient.newHttpClient();

    private Service(URI base, URI management, Path log, Process process, long startedNanos) {
        this.base = base;
        this.management = management;
        this.log = log;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /** Starts an instance on {@code database}; {@code env} adds to or overrides the defaults. */
    static Service start(String database, Map<String, String> env, String... args)
            throws IOException {
        int port = Ports.free();
        Path log = Files.createTempFile("auth-it-" + port + "-", ".log");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                // A test's service lives seconds: the C1 compiler alone starts it
                                // on 40 % less CPU (4 s instead of 6.5 s here), and starts are
                                // most of the ITs' time.
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+UseSerialGC",
                                "-jar",
                                "target/quarkus-app/quarkus-run.jar"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(k -> k.startsWith("AUTH_") || k.startsWith("QUARKUS_"));
        Map<String, String> settings = new HashMap<>();
        settings.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + PG + "/" + database);
        settings.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + PG + "/" + database);
        settings.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        settings.put("AUTH_ISSUER", "https://auth.example.com");
        settings.put("AUTH_KEYS_ENCRYPTION_KEY", KEK);
        settings.put("AUTH_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        settings.put("AUTH_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        settings.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        int management = Ports.free();
        while (management
                == port) { // two draws can meet: the service then serves both on one port, never
            // ready
            management = Ports.free();
        }
        settings.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        settings.put("QUARKUS_SHUTDOWN_DELAY", "PT0S");
        // The ITs' load comes from one address (loopback): the per-address limits would throttle
        // it.
        settings.put("AUTH_RATE_LIMIT_REQUESTS_PER_SECOND", "0");
        settings.put("AUTH_PASSWORDS_HASHING_PER_ADDRESS", "1000");
        settings.putAll(env);
        settings.forEach(
                (k, v) -> {
                    if (v != null) {
                        variables.put(k, v);
                    }
                });
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Service(
                URI.create("http://127.0.0.1:" + settings.get("QUARKUS_HTTP_PORT")),
                URI.create("http://127.0.0.1:" + settings.get("QUARKUS_MANAGEMENT_PORT")),
                log,
                process,
                System.nanoTime());
    }

    /** Waits until the JWKS answers; returns the milliseconds since start. */
    long awaitReady() throws Exception {
        HttpRequest jwks =
                HttpRequest.newBuilder(base.resolve("/.well-known/jwks.json"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
        try {
            Await.until(
                    "the service ready (its JWKS answers) 90 s after its start",
                    Duration.ofNanos(
                            startedNanos + TimeUnit.SECONDS.toNanos(90) - System.nanoTime()),
                    () -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the service stopped: " + log());
                        }
                        try {
                            return http.send(jwks, HttpResponse.BodyHandlers.ofString())
                                            .statusCode()
                                    == 200;
                        } catch (IOException notYet) {
                            return false; // not listening yet
                        }
                    });
        } catch (AssertionError notReady) {
            throw new AssertionError(notReady.getMessage() + ": " + log(), notReady);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET on the management port. */
    HttpResponse<String> manage(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(management.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String type, String body, String bearer)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path))
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers a new user named {@code prefix} and 8 random characters; 201 or the test fails. */
    String register(String prefix) throws Exception {
        String user = prefix + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created =
                post(
                        "/users",
                        "application/json",
                        "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}",
                        null);
        if (created.statusCode() != 201) {
            throw new AssertionError(
                    "registration: " + created.statusCode() + " " + created.body());
        }
        return user;
    }

    /**
     * An access token of the bootstrap administrator (password grant). A 503 is retried after its
     * Retry-After, for up to 30 s, as a client would: a test's setup is not what it measures.
     */
    String adminToken() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> login;
        do {
            login =
                    post(
                            "/oauth2/token",
                            "application/x-www-form-urlencoded",
                            "grant_type=password&username=" + ADMIN + "&password=" + ADMIN_PASSWORD,
                            null);
        } while (login.statusCode() == 503 && System.nanoTime() < deadline && retryAfter(login));
        String token = Jose.field(login.body(), "access_token");
        if (login.statusCode() != 200 || token == null) {
            throw new AssertionError(
                    "admin login: " + login.statusCode() + " " + login.body() + unavailability());
        }
        return token;
    }

    /**
     * Registers a client ({@code POST /admin/clients}) with the metadata {@code json} (without a
     * client_id: a 503 is retried, at worst leaving an unused client behind); 201 or the test
     * fails.
     */
    HttpResponse<String> registerClient(String json) throws Exception {
        String admin = adminToken();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> created;
        do {
            created = post("/admin/clients", "application/json", json, admin);
        } while (created.statusCode() == 503
                && System.nanoTime() < deadline
                && retryAfter(created));
        if (created.statusCode() != 201) {
            throw new AssertionError(
                    "client registration: "
                            + created.statusCode()
                            + " "
                            + created.body()
                            + unavailability());
        }
        return created;
    }

    /** Sleeps for the answer's Retry-After (1 s if it has none), as a client must; true. */
    private static boolean retryAfter(HttpResponse<String> answer) throws InterruptedException {
        Thread.sleep(
                1000 * answer.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L));
        return true;
    }

    /**
     * The service's last reasons for a 503 (its log says why the database could not be asked), if
     * any.
     */
    String unavailability() {
        java.util.List<String> reasons =
                log().lines().filter(l -> l.contains("database unavailable")).toList();
        return reasons.isEmpty()
                ? ""
                : "; the service logged: "
                        + String.join(
                                "\n",
                                reasons.subList(Math.max(0, reasons.size() - 3), reasons.size()));
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    long residentKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElse(-1L);
    }

    @Override
    public void close() throws Exception {
        // What the key lifecycle did, for whoever reads a failed run.
        log().lines()
                .filter(
                        l ->
                                l.contains("io.authservice.keys")
                                        || l.contains("io.authservice.maintenance.KeyRotation")
                                        || l.contains("ERROR"))
                .forEach(l -> System.out.println(base.getPort() + " | " + l));
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    /** The first column of the first row of {@code query} on {@code database}, or null. */
    static Object value(String database, String query, Object... params) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:postgresql://" + PG + "/" + database, "postgres", "");
                java.sql.PreparedStatement s = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    static String createDatabase() throws Exception {
        String name = "auth_it_" + UUID.randomUUID().toString().substring(0, 8);
        sql("create database " + name);
        return name;
    }

    static void dropDatabase(String name) throws Exception {
        sql("drop database if exists " + name + " with (force)");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c =
                DriverManager.getConnection(
                        "jdbc:postgresql://" + PG + "/postgres", "postgres", "")) {
            c.createStatement().execute(statement);
        }
    }

    /** A random key-encryption key for a test run. */
    static final class Base64Kek {
        static String random() {
            byte[] raw = new byte[32];
            new java.security.SecureRandom().nextBytes(raw);
            return java.util.Base64.getEncoder().encodeToString(raw);
        }
    }
}
