package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Await;
import io.authservice.Ports;
import io.authservice.clients.ClientsApi;
import io.authservice.faults.FaultProxy;
import io.authservice.faults.FaultProxy.Mode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packaged service with PostgreSQL behind a {@link FaultProxy} (the reactive pool goes through
 * the proxy; Flyway's JDBC connection at start goes straight to PostgreSQL). Under every fault each
 * request that needs the database answers 503 {@code temporarily_unavailable} with Retry-After
 * within 2 s, the keys and metadata keep answering, readiness stays UP (it does not include the
 * database: README, "Readiness and the database") while the {@code database} health group goes DOWN
 * and always answers, liveness stays UP, and the service recovers on its own. Introspection is one
 * of those requests: a token it could not check is a 503, never {@code active: false}. The figures
 * are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseFaultsIT {

    private static final long ANSWER_MS = 2000;
    private static final long DATABASE_DOWN_MS = 5000;
    private static final long RECOVERY_MS = 5000;

    /**
     * The stall timeout, lower than its default (5 s) so that the round after it comes sooner;
     * still above the request deadline (1.5 s), as in production.
     */
    private static final long STALL_MS = 2000;

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String READINESS = "/q/health/ready";
    private static final String DATABASE_GROUP = "/q/health/group/database";
    private static final String PASSWORD = "correct-horse-battery";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> figures = new ArrayList<>();
    private String database;
    private FaultProxy proxy;
    private Service service;

    /**
     * A confidential client (client_secret_basic) registered before any fault, for introspection:
     * the resource server of the users' tokens (client_id = their audience, api).
     */
    private String introspector;

    @BeforeAll
    void start() throws Exception {
        database = Service.createDatabase();
        String[] pg = Service.PG.split(":");
        proxy = FaultProxy.start(pg[0], Integer.parseInt(pg[1]));
        service =
                Service.start(
                        database,
                        Map.of(
                                "QUARKUS_DATASOURCE_REACTIVE_URL",
                                "postgresql://127.0.0.1:" + proxy.port() + "/" + database,
                                "QUARKUS_HTTP_PORT",
                                String.valueOf(Ports.free()),
                                "QUARKUS_MANAGEMENT_PORT",
                                String.valueOf(Ports.free()),
                                "AUTH_DATABASE_STALL_TIMEOUT",
                                "PT" + STALL_MS / 1000.0 + "S"));
        service.awaitReady();
        HttpResponse<String> created =
                service.registerClient(
                        "{\"client_id\":\"api\",\"client_name\":\"fault-introspector\",\"introspection_allowed\":true,"
                                + "\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"client_secret_basic\"}");
        introspector =
                ClientsApi.basic(
                        Jose.field(created.body(), "client_id"),
                        Jose.field(created.body(), "client_secret"));
    }

    @AfterEach
    void heal() throws Exception {
        proxy.mode(Mode.PASS);
    }

    @AfterAll
    void stop() throws Exception {
        figures.forEach(f -> System.out.println("DatabaseFaultsIT | " + f));
        try {
            if (service != null) {
                service.log()
                        .lines()
                        .filter(
                                l ->
                                        l.contains("database unavailable")
                                                || l.contains("ERROR")
                                                || l.contains("WARN"))
                        .limit(40)
                        .forEach(l -> System.out.println("service | " + l));
                service.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            Service.dropDatabase(database);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"REFUSE", "RESET", "BLACKHOLE"})
    void everyRequestThatNeedsTheDatabaseAnswers503QuicklyAndTheServiceRecovers(Mode fault)
            throws Exception {
        String user = newUser();
        Tokens first = login(user);
        Tokens second = login(user);
        assertEquals(200, me(first.access).statusCode());
        assertActive("before " + fault, introspect(first.access));

        proxy.mode(fault);
        long faultStart = System.nanoTime();
        Probes probes = Probes.poll(this, faultStart);
        try {
            // Twice: at once (pooled connections meet the fault) and after the stall timeout.
            for (int round = 1; round <= 2; round++) {
                Timed refresh = timed(() -> refresh(first.refresh));
                Timed login = timed(() -> loginResponse(user, PASSWORD));
                Timed me = timed(() -> me(first.access));
                Timed register = timed(() -> register(newName()));
                Timed introspection = timed(() -> introspect(first.access));
                figures.add(
                        String.format(
                                        "%s round %d (%d ms into the fault): refresh %d ms, login %d ms,"
                                                + " /users/me %d ms, registration %d ms, introspection %d ms",
                                        fault,
                                        round,
                                        millisSince(faultStart),
                                        refresh.millis,
                                        login.millis,
                                        me.millis,
                                        register.millis,
                                        introspection.millis)
                                + String.format(
                                        " (statuses %d, %d, %d, %d, %d)",
                                        refresh.response.statusCode(),
                                        login.response.statusCode(),
                                        me.response.statusCode(),
                                        register.response.statusCode(),
                                        introspection.response.statusCode()));
                assertNotInactive(
                        fault + " round " + round + ": introspection", introspection.response);
                for (Map.Entry<String, Timed> answer :
                        Map.of(
                                        "refresh",
                                        refresh,
                                        "login",
                                        login,
                                        "/users/me",
                                        me,
                                        "registration",
                                        register,
                                        "introspection",
                                        introspection)
                                .entrySet()) {
                    assertUnavailable(
                            fault + " round " + round + ": " + answer.getKey(), answer.getValue());
                }

                Timed jwks = timed(() -> get(service.base, "/.well-known/jwks.json", null));
                Timed metadata =
                        timed(() -> get(service.base, "/.well-known/openid-configuration", null));
                Timed live = timed(() -> get(service.management, "/q/health/live", null));
                assertEquals(200, jwks.response.statusCode(), "JWKS during " + fault);
                assertTrue(jwks.response.body().contains("\"keys\""), jwks.response.body());
                assertEquals(200, metadata.response.statusCode(), "metadata during " + fault);
                assertEquals(
                        200,
                        live.response.statusCode(),
                        "liveness during " + fault + ": " + live.response.body());
                assertTrue(
                        jwks.millis < ANSWER_MS
                                && metadata.millis < ANSWER_MS
                                && live.millis < ANSWER_MS,
                        "JWKS "
                                + jwks.millis
                                + " ms, metadata "
                                + metadata.millis
                                + " ms, liveness "
                                + live.millis);
                if (round == 1) {
                    // Round 2 runs 1 s after the stall timeout on purpose: a time, not a condition.
                    Thread.sleep(Math.max(0, STALL_MS + 1000 - millisSince(faultStart)));
                }
            }
            long downMs = probes.awaitDatabaseDown(DATABASE_DOWN_MS);
            figures.add(
                    String.format(
                            "%s: database group DOWN %d ms after the fault began; readiness probes"
                                    + " during the fault: %d, not UP: %d; slowest answer of either %d ms",
                            fault,
                            downMs,
                            probes.readinessProbes.get(),
                            probes.readinessNotUp.size(),
                            probes.slowest.get()));
            assertTrue(probes.readinessProbes.get() > 0, "readiness was not probed");
            assertTrue(
                    probes.readinessNotUp.isEmpty(),
                    "readiness during " + fault + ": " + probes.readinessNotUp.peek());
            assertTrue(
                    downMs >= 0,
                    "database group not DOWN within " + DATABASE_DOWN_MS + " ms of " + fault);
            assertTrue(
                    probes.slowest.get() < ANSWER_MS + 500,
                    "a health probe took " + probes.slowest.get() + " ms");
        } finally {
            probes.stop();
        }

        proxy.mode(Mode.PASS);
        long back = System.nanoTime();
        Recovery recovered = new Recovery();
        Await.value(
                "every path recovered after " + fault,
                Duration.ofSeconds(15),
                () -> {
                    if (recovered.databaseUpMs < 0
                            && get(service.management, DATABASE_GROUP, null).statusCode() == 200) {
                        recovered.databaseUpMs = millisSince(back);
                    }
                    if (recovered.refreshMs < 0) {
                        HttpResponse<String> answer = refresh(second.refresh);
                        if (answer.statusCode() == 200) {
                            recovered.refreshMs = millisSince(back);
                            recovered.renewed = Tokens.of(answer.body());
                        } else {
                            assertEquals(
                                    503,
                                    answer.statusCode(),
                                    "a refresh after " + fault + ": " + answer.body());
                        }
                    }
                    if (recovered.loginMs < 0) {
                        HttpResponse<String> answer = loginResponse(user, PASSWORD);
                        if (answer.statusCode() == 200) {
                            recovered.loginMs = millisSince(back);
                        } else {
                            assertEquals(
                                    503,
                                    answer.statusCode(),
                                    "a login after " + fault + ": " + answer.body());
                        }
                    }
                    if (recovered.introspectionMs < 0) {
                        HttpResponse<String> answer = introspect(first.access);
                        assertNotInactive("an introspection after " + fault, answer);
                        if (answer.statusCode() == 200) {
                            assertActive("an introspection after " + fault, answer);
                            recovered.introspectionMs = millisSince(back);
                        } else {
                            assertEquals(
                                    503,
                                    answer.statusCode(),
                                    "an introspection after " + fault + ": " + answer.body());
                        }
                    }
                    return recovered;
                },
                Recovery::complete);
        long databaseUpMs = recovered.databaseUpMs;
        long refreshMs = recovered.refreshMs;
        long loginMs = recovered.loginMs;
        long introspectionMs = recovered.introspectionMs;
        Tokens renewed = recovered.renewed;
        figures.add(
                String.format(
                        "%s: after the database came back: database group UP in %d ms, first refresh 200"
                                + " in %d ms, first login 200 in %d ms, first introspection active in %d ms",
                        fault, databaseUpMs, refreshMs, loginMs, introspectionMs));
        assertTrue(
                databaseUpMs >= 0 && databaseUpMs < RECOVERY_MS,
                "database group UP after " + databaseUpMs + " ms");
        assertTrue(
                refreshMs >= 0 && refreshMs < RECOVERY_MS,
                "refresh 200 after " + refreshMs + " ms");
        assertTrue(loginMs >= 0 && loginMs < RECOVERY_MS, "login 200 after " + loginMs + " ms");
        assertTrue(
                introspectionMs >= 0 && introspectionMs < RECOVERY_MS,
                "introspection active after " + introspectionMs + " ms");
        assertEquals(200, me(renewed.access).statusCode());

        // A 503 never spent a token: the refresh token that got 503 twice still works.
        HttpResponse<String> again = refresh(first.refresh);
        figures.add(
                String.format(
                        "%s: the refresh token that got 503 during the fault, presented again: %d",
                        fault, again.statusCode()));
        assertEquals(
                200,
                again.statusCode(),
                "a refresh that answered 503 spent its token: " + again.body());
    }

    /**
     * Connections cut again and again while refreshes, profile reads and introspections run: every
     * answer is 200 or 503 (never 500), within 2 s, a refresh that answered 503 has not spent its
     * token (the client's retry with the same token succeeds), and the introspection of a valid
     * token is active or 503, never {@code active: false}.
     */
    @Test
    void aConnectionCutMidTransactionNeverAnswers500() throws Exception {
        int workers = 4;
        String user = newUser();
        List<Tokens> sessions = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            sessions.add(login(user));
        }
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong slowest = new AtomicLong();
        AtomicLong cuts = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Tokens session : sessions) {
                running.add(
                        pool.submit(
                                () -> {
                                    Tokens current = session;
                                    boolean retrying = false;
                                    while (System.nanoTime() < end) {
                                        Tokens now = current;
                                        Timed refresh = timed(() -> refresh(now.refresh));
                                        Timed me = timed(() -> me(now.access));
                                        // Two statements (the client, then the session): a cut may
                                        // fall between them.
                                        Timed introspection = timed(() -> introspect(now.access));
                                        slowest.accumulateAndGet(
                                                Math.max(
                                                        Math.max(refresh.millis, me.millis),
                                                        introspection.millis),
                                                Math::max);
                                        String active = active(introspection.response);
                                        outcomes.computeIfAbsent(
                                                        "introspection "
                                                                + introspection.response
                                                                        .statusCode()
                                                                + (active == null
                                                                        ? ""
                                                                        : " active " + active),
                                                        k -> new AtomicLong())
                                                .incrementAndGet();
                                        if (!(introspection.response.statusCode() == 200
                                                        && "true".equals(active)
                                                || introspection.response.statusCode() == 503)) {
                                            problems.add(
                                                    "introspection of a valid token answered "
                                                            + introspection.response.statusCode()
                                                            + ": "
                                                            + introspection.response.body());
                                        }
                                        int status = refresh.response.statusCode();
                                        String kind =
                                                "refresh "
                                                        + status
                                                        + (retrying ? " (retry after a 503)" : "");
                                        outcomes.computeIfAbsent(kind, k -> new AtomicLong())
                                                .incrementAndGet();
                                        outcomes.computeIfAbsent(
                                                        "/users/me " + me.response.statusCode(),
                                                        k -> new AtomicLong())
                                                .incrementAndGet();
                                        if (status == 200) {
                                            current = Tokens.of(refresh.response.body());
                                            retrying = false;
                                        } else if (status == 503) {
                                            assertUnavailable("refresh under cuts", refresh);
                                            retrying = true;
                                        } else {
                                            problems.add(
                                                    "refresh answered "
                                                            + status
                                                            + (retrying
                                                                    ? " to the retry after a 503"
                                                                    : "")
                                                            + ": "
                                                            + refresh.response.body());
                                            current = null;
                                            while (current == null && System.nanoTime() < end) {
                                                HttpResponse<String> again =
                                                        loginResponse(user, PASSWORD);
                                                current =
                                                        again.statusCode() == 200
                                                                ? Tokens.of(again.body())
                                                                : null;
                                            }
                                            if (current == null) {
                                                break;
                                            }
                                            retrying = false;
                                        }
                                        if (me.response.statusCode() != 200
                                                && me.response.statusCode() != 503) {
                                            problems.add(
                                                    "/users/me answered "
                                                            + me.response.statusCode()
                                                            + ": "
                                                            + me.response.body());
                                        }
                                    }
                                    return null;
                                }));
            }
            while (System.nanoTime() < end) {
                // A cut every 120 ms on purpose: connections die under requests in flight.
                Thread.sleep(120);
                proxy.cut();
                cuts.incrementAndGet();
            }
            for (Future<?> worker : running) {
                worker.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        figures.add(
                String.format(
                        "cuts mid-transaction: %d cuts in 8 s, %d workers; outcomes %s; slowest answer %d ms",
                        cuts.get(), workers, new java.util.TreeMap<>(outcomes), slowest.get()));
        problems.stream().limit(10).forEach(p -> figures.add("cuts mid-transaction: " + p));
        assertTrue(
                problems.isEmpty(),
                problems.size()
                        + " answers were neither 200 nor 503, or said active:false"
                        + " for a valid token: "
                        + problems.peek());
        assertTrue(slowest.get() < ANSWER_MS, "an answer took " + slowest.get() + " ms");
        assertTrue(
                outcomes.keySet().stream().anyMatch(k -> k.startsWith("refresh 503")),
                "no cut hit a refresh");
    }

    // ---- helpers ----

    private static void assertUnavailable(String what, Timed answer) {
        HttpResponse<String> response = answer.response;
        assertEquals(
                503,
                response.statusCode(),
                what + " answered " + response.statusCode() + ": " + response.body());
        assertTrue(
                response.body().contains("\"temporarily_unavailable\""),
                what + ": " + response.body());
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        assertTrue(retryAfter.isPresent(), what + ": no Retry-After");
        assertTrue(answer.millis < ANSWER_MS, what + " took " + answer.millis + " ms");
    }

    private static final java.util.regex.Pattern ACTIVE =
            java.util.regex.Pattern.compile("\"active\"\\s*:\\s*(true|false)");

    /** What an introspection answer says of {@code active}, or null if it does not say. */
    private static String active(HttpResponse<String> answer) {
        java.util.regex.Matcher m = ACTIVE.matcher(answer.body());
        return m.find() ? m.group(1) : null;
    }

    /** Never {@code active: false} for a token that is valid: the service could not check it. */
    private static void assertNotInactive(String what, HttpResponse<String> answer) {
        assertTrue(
                !"false".equals(active(answer)),
                what
                        + " answered "
                        + answer.statusCode()
                        + " "
                        + answer.body()
                        + " for a valid token");
    }

    private static void assertActive(String what, HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), what + ": " + answer.body());
        assertEquals("true", active(answer), what + ": " + answer.body());
    }

    /** RFC 7662 introspection by the registered confidential client. */
    private HttpResponse<String> introspect(String token) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(service.base.resolve("/oauth2/introspect"))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", FORM)
                        .header("Authorization", introspector)
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + token))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String newName() {
        return "fault-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String newUser() throws Exception {
        String name = newName();
        HttpResponse<String> created = register(name);
        assertEquals(201, created.statusCode(), created.body());
        return name;
    }

    private HttpResponse<String> register(String name) throws Exception {
        return post(
                "/users",
                "application/json",
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}",
                null);
    }

    private Tokens login(String user) throws Exception {
        HttpResponse<String> answer = loginResponse(user, PASSWORD);
        assertEquals(200, answer.statusCode(), answer.body());
        return Tokens.of(answer.body());
    }

    private HttpResponse<String> loginResponse(String user, String password) throws Exception {
        return post(
                "/oauth2/token",
                FORM,
                "grant_type=password&username=" + user + "&password=" + password,
                null);
    }

    private HttpResponse<String> refresh(String token) throws Exception {
        return post("/oauth2/token", FORM, "grant_type=refresh_token&refresh_token=" + token, null);
    }

    private HttpResponse<String> me(String access) throws Exception {
        return get(service.base, "/users/me", access);
    }

    private HttpResponse<String> get(URI base, String path, String bearer) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String type, String body, String bearer)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(service.base.resolve(path))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    interface Call {
        HttpResponse<String> send() throws Exception;
    }

    record Timed(HttpResponse<String> response, long millis) {}

    private static Timed timed(Call call) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = call.send();
        return new Timed(response, millisSince(start));
    }

    record Tokens(String access, String refresh) {
        static Tokens of(String body) {
            return new Tokens(Jose.field(body, "access_token"), Jose.field(body, "refresh_token"));
        }
    }

    /**
     * Probes readiness and the database group in turn, every 100 ms from the start of a fault: when
     * the group first said DOWN, readiness answers other than 200 UP, the slowest answer of either.
     */
    private static final class Probes {
        final AtomicLong databaseDownAfter = new AtomicLong(-1);
        final AtomicLong readinessProbes = new AtomicLong();
        final ConcurrentLinkedQueue<String> readinessNotUp = new ConcurrentLinkedQueue<>();
        final AtomicLong slowest = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private volatile boolean stopped;
        private Thread thread;

        static Probes poll(DatabaseFaultsIT test, long faultStart) {
            Probes probes = new Probes();
            probes.thread =
                    new Thread(
                            () -> {
                                while (!probes.stopped) {
                                    try {
                                        HttpResponse<String> ready =
                                                probes.timed(
                                                        () ->
                                                                test.get(
                                                                        test.service.management,
                                                                        READINESS,
                                                                        null));
                                        probes.readinessProbes.incrementAndGet();
                                        if (ready.statusCode() != 200
                                                || !ready.body().contains("\"UP\"")) {
                                            probes.readinessNotUp.add(
                                                    millisSince(faultStart)
                                                            + " ms into the fault: "
                                                            + ready.statusCode()
                                                            + " "
                                                            + ready.body());
                                        }
                                        HttpResponse<String> database =
                                                probes.timed(
                                                        () ->
                                                                test.get(
                                                                        test.service.management,
                                                                        DATABASE_GROUP,
                                                                        null));
                                        if (database.statusCode() == 503
                                                && database.body().contains("\"DOWN\"")) {
                                            probes.databaseDownAfter.compareAndSet(
                                                    -1, millisSince(faultStart));
                                        }
                                        // A probe's period, as a kubelet's (time on purpose).
                                        Thread.sleep(100);
                                    } catch (InterruptedException e) {
                                        return;
                                    } catch (Exception e) {
                                        probes.failures.add(e.toString());
                                    }
                                }
                            },
                            "health-probes");
            probes.thread.setDaemon(true);
            probes.thread.start();
            return probes;
        }

        private HttpResponse<String> timed(Call call) throws Exception {
            long start = System.nanoTime();
            try {
                return call.send();
            } finally {
                slowest.accumulateAndGet(millisSince(start), Math::max);
            }
        }

        long awaitDatabaseDown(long withinMs) throws Exception {
            try {
                Await.until(
                        "the database group DOWN",
                        Duration.ofMillis(withinMs),
                        () -> databaseDownAfter.get() >= 0);
            } catch (AssertionError notYet) {
                // the caller asserts on the -1 returned, with the fault's name
            }
            assertTrue(
                    failures.isEmpty(),
                    "a health probe did not answer: "
                            + failures.stream().limit(3).collect(Collectors.joining("; ")));
            return databaseDownAfter.get();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(20_000);
        }
    }

    /** When each path answered again after a fault, in ms (-1: not yet). */
    private static final class Recovery {
        long databaseUpMs = -1;
        long refreshMs = -1;
        long loginMs = -1;
        long introspectionMs = -1;
        Tokens renewed;

        boolean complete() {
            return databaseUpMs >= 0 && refreshMs >= 0 && loginMs >= 0 && introspectionMs >= 0;
        }

        @Override
        public String toString() {
            return String.format(
                    "database group UP %d ms, refresh %d ms, login %d ms, introspection %d ms",
                    databaseUpMs, refreshMs, loginMs, introspectionMs);
        }
    }
}
