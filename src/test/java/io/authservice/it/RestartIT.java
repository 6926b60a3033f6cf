package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Await;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two packaged replicas on one database under a refresh load, restarted as a rollout does (SIGTERM)
 * and as a crash does (kill -9). Clients behave as real ones: on a connection error or a 503 they
 * retry the same request on the other replica. Nothing may be lost: every refresh ends in a 200,
 * every session still refreshes afterwards, every access token issued still verifies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartIT {

    private static final Pattern FIELD =
            Pattern.compile("\"(access_token|refresh_token)\"\\s*:\\s*\"([^\"]+)\"");
    private static final int SESSIONS = 12;

    private String database;
    private final Map<String, Service> replicas = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> settings = new HashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();

    /**
     * One pair for the class: each test leaves both replicas running (those it stopped, it
     * replaced) and keeps to its own users, so a pair per test would only add starts.
     */
    @BeforeAll
    void twoReplicas() throws Exception {
        database = Service.createDatabase();
        for (String name : List.of("a", "b")) {
            Map<String, String> env = new HashMap<>(Map.of("QUARKUS_SHUTDOWN_DELAY", "PT2S"));
            Service service = Service.start(database, env);
            // A restarted replica comes back at the same address.
            env.put("QUARKUS_HTTP_PORT", String.valueOf(service.base.getPort()));
            env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(service.management.getPort()));
            settings.put(name, env);
            replicas.put(name, service);
        }
        for (Service service : replicas.values()) {
            service.awaitReady();
        }
    }

    /** A test that failed midway may leave a replica stopped: the next one starts with both. */
    @BeforeEach
    void bothRunning() throws Exception {
        for (String name : List.of("a", "b")) {
            if (!replicas.get(name).process.isAlive()) {
                replicas.get(name).close();
                replace(name);
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            // Both at once: each waits out its shutdown delay.
            replicas.values().forEach(service -> service.process.destroy());
            for (Service service : replicas.values()) {
                service.close();
            }
        } finally {
            Service.dropDatabase(database);
        }
    }

    @Test
    void aRollingRestartUnderLoadLosesNoRequestAndNoSession() throws Exception {
        try (Load load = new Load()) {
            load.awaitRefreshes(SESSIONS * 5);
            for (String name : List.of("a", "b")) {
                Service old = replicas.get(name);
                old.process.destroy(); // SIGTERM
                // Readiness goes DOWN first, while the replica still answers.
                long downAt = System.nanoTime();
                int status;
                do {
                    status = old.manage("/q/health/ready").statusCode();
                } while (status == 200 && System.nanoTime() - downAt < TimeUnit.SECONDS.toNanos(5));
                long readinessDownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAt);
                assertEquals(503, status, "readiness after SIGTERM");
                assertEquals(
                        200,
                        old.get("/.well-known/jwks.json", null).statusCode(),
                        "still serving while DOWN");
                assertTrue(old.process.waitFor(30, TimeUnit.SECONDS), "stopped");
                System.out.printf(
                        "rolling restart: %s readiness DOWN %d ms after SIGTERM, exit %d%n",
                        name, readinessDownMs, old.process.exitValue());
                replace(name);
                load.awaitRefreshes(load.refreshes.get() + SESSIONS * 3);
            }
            load.finish();
        }
    }

    @Test
    void afterKillNineEveryTokenStillVerifiesAndRetriedRefreshesKeepTheirSessions()
            throws Exception {
        try (Load load = new Load()) {
            load.awaitRefreshes(SESSIONS * 5);
            Service killed = replicas.get("a");
            killed.process.destroyForcibly(); // SIGKILL: answers in flight are lost
            assertTrue(killed.process.waitFor(10, TimeUnit.SECONDS));
            load.awaitRefreshes(load.refreshes.get() + SESSIONS * 3);
            replace("a");
            load.awaitRefreshes(load.refreshes.get() + SESSIONS * 3);
            load.finish();
            // Every access token issued, by either replica, before or after the crash, verifies on
            // both.
            for (Service service : replicas.values()) {
                for (String accessToken : load.accessTokens) {
                    assertEquals(
                            200,
                            service.get("/users/me", accessToken).statusCode(),
                            "token verifies");
                }
            }
        }
    }

    @Test
    void aRetryOnTheOtherReplicaGetsTheSameSuccessor() throws Exception {
        Service a = replicas.get("a");
        Service b = replicas.get("b");
        String user = unique("twice");
        assertEquals(
                201,
                a.post(
                                "/users",
                                "application/json",
                                "{\"username\":\""
                                        + user
                                        + "\",\"password\":\"restart-test-password\"}",
                                null)
                        .statusCode());
        String token =
                field(
                        post(
                                        a,
                                        "/oauth2/token",
                                        form(
                                                "grant_type",
                                                "password",
                                                "username",
                                                user,
                                                "password",
                                                "restart-test-password"))
                                .body(),
                        "refresh_token");

        // Sequential: answered by A, the answer lost, retried on B.
        String successor =
                field(
                        post(
                                        a,
                                        "/oauth2/token",
                                        form("grant_type", "refresh_token", "refresh_token", token))
                                .body(),
                        "refresh_token");
        Answer retried =
                post(
                        b,
                        "/oauth2/token",
                        form("grant_type", "refresh_token", "refresh_token", token));
        assertEquals(200, retried.status(), retried.body());
        assertEquals(successor, field(retried.body(), "refresh_token"));

        // Concurrent double submits to both replicas: one successor for all.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Service target = i % 2 == 0 ? a : b;
            answers.add(
                    pool.submit(
                            () ->
                                    post(
                                            target,
                                            "/oauth2/token",
                                            form(
                                                    "grant_type",
                                                    "refresh_token",
                                                    "refresh_token",
                                                    successor))));
        }
        java.util.Set<String> next = new java.util.HashSet<>();
        for (Future<Answer> answer : answers) {
            assertEquals(200, answer.get().status(), answer.get().body());
            next.add(field(answer.get().body(), "refresh_token"));
        }
        pool.shutdown();
        assertEquals(1, next.size(), "one successor on any number of replicas");
    }

    private void replace(String name) throws Exception {
        Service fresh = Service.start(database, settings.get(name));
        fresh.awaitReady();
        replicas.put(name, fresh);
    }

    /** Refresh answer: the status (or -1 for a connection error) and the body. */
    private record Answer(int status, String body) {}

    private Answer post(Service service, String path, String form) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(service.base + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(form))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException | InterruptedException e) {
            return new Answer(-1, e.toString());
        }
    }

    private static String field(String body, String name) {
        Matcher m = FIELD.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        throw new AssertionError("no " + name + " in " + body);
    }

    /** The refreshes {@code service} answered as retries (its metric). */
    private static long retries(Service service) throws Exception {
        return service.manage("/q/metrics")
                .body()
                .lines()
                .filter(
                        l ->
                                l.startsWith("auth_refreshes_total{")
                                        && l.contains("outcome=\"retry\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A user name no other test of the pair uses. */
    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    private static String form(String... pairs) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            out.append(i == 0 ? "" : "&")
                    .append(pairs[i])
                    .append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /**
     * {@link #SESSIONS} clients, each refreshing its session in a loop, alternating replicas; a
     * connection error or a 503 is retried with the same token on the other replica.
     */
    private final class Load implements AutoCloseable {
        final AtomicInteger refreshes = new AtomicInteger();
        final AtomicInteger failovers = new AtomicInteger();
        final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> accessTokens = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Map<Integer, String> latest = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
        final List<Future<?>> loops = new ArrayList<>();
        final String users = unique("load");

        /** What the replicas running at the start had counted for earlier tests. */
        final Map<Service, Long> retriesBefore = new HashMap<>();

        Load() throws Exception {
            for (Service service : replicas.values()) {
                retriesBefore.put(service, retries(service));
            }
            Service first = replicas.get("a");
            for (int i = 0; i < SESSIONS; i++) {
                String user = users + i;
                HttpResponse<String> created =
                        first.post(
                                "/users",
                                "application/json",
                                "{\"username\":\""
                                        + user
                                        + "\",\"password\":\"restart-test-password\"}",
                                null);
                assertEquals(201, created.statusCode(), created.body());
                Answer login =
                        post(
                                first,
                                "/oauth2/token",
                                form(
                                        "grant_type",
                                        "password",
                                        "username",
                                        user,
                                        "password",
                                        "restart-test-password"));
                assertEquals(200, login.status(), login.body());
                latest.put(i, field(login.body(), "refresh_token"));
            }
            for (int i = 0; i < SESSIONS; i++) {
                int session = i;
                loops.add(clients.submit(() -> loop(session)));
            }
        }

        private void loop(int session) {
            int turn = session;
            while (running.get()) {
                String token = latest.get(session);
                String body = null;
                // One logical refresh: the same token, replica after replica, until it is answered.
                for (int attempt = 0; attempt < 200 && body == null; attempt++) {
                    Service target = replicas.get(turn++ % 2 == 0 ? "a" : "b");
                    Answer answer =
                            post(
                                    target,
                                    "/oauth2/token",
                                    form("grant_type", "refresh_token", "refresh_token", token));
                    if (answer.status() == 200) {
                        body = answer.body();
                    } else if (answer.status() == -1 || answer.status() == 503) {
                        failovers.incrementAndGet();
                        sleep(50);
                    } else {
                        failures.add(
                                "session "
                                        + session
                                        + ": "
                                        + answer.status()
                                        + " "
                                        + answer.body());
                        return;
                    }
                }
                if (body == null) {
                    failures.add("session " + session + ": no answer after 200 attempts");
                    return;
                }
                latest.put(session, field(body, "refresh_token"));
                accessTokens.add(field(body, "access_token"));
                refreshes.incrementAndGet();
                sleep(20);
            }
        }

        void awaitRefreshes(int count) throws Exception {
            Await.until(
                    count + " refreshes, or a request lost",
                    Duration.ofSeconds(60),
                    () -> refreshes.get() >= count || !failures.isEmpty());
            assertEquals(List.of(), failures, "requests lost");
            assertTrue(refreshes.get() >= count, "refreshes " + refreshes.get() + " < " + count);
        }

        /** Stops the clients; then every session must still refresh (none was lost). */
        void finish() throws Exception {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), failures, "requests lost");
            int lost = 0;
            for (String token : latest.values()) {
                Answer answer =
                        post(
                                replicas.get("b"),
                                "/oauth2/token",
                                form("grant_type", "refresh_token", "refresh_token", token));
                lost += answer.status() == 200 ? 0 : 1;
            }
            long retries = 0;
            for (Service service : replicas.values()) {
                retries += retries(service) - retriesBefore.getOrDefault(service, 0L);
            }
            System.out.printf(
                    "restart: %d refreshes, %d failovers, %d answered as retries by the replicas"
                            + " still running, %d of %d sessions lost%n",
                    refreshes.get(), failovers.get(), retries, lost, SESSIONS);
            assertEquals(0, lost, "sessions lost");
        }

        @Override
        public void close() {
            running.set(false);
            clients.shutdownNow();
        }
    }

    /** A client's pace, and its back-off after a failover: time passing on purpose. */
    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
