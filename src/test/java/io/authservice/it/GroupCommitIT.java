package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Await;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group commit (README, Refresh tokens) with two packaged replicas on one database: each replica
 * spends concurrent refreshes in batches, yet every token is spent exactly once whichever replicas
 * its presentations reach, and a replica killed with batches in flight loses no refresh it answered
 * with 200.
 *
 * <p>Both tests run on the run's shared pair ({@link TwoReplicas.Shared}), among other tests'
 * sessions: they count only their own users' families. The crash test kills a replica, so it starts
 * a third one of its own on the pair's database, with the pair's settings, and kills that: the
 * pair's B is the replica its clients fail over to, and the pair stays whole for the tests after
 * it.
 */
@ExtendWith(TwoReplicas.Shared.class)
class GroupCommitIT {

    private static final String PASSWORD = "group-commit-password";
    private static final String FORM = "application/x-www-form-urlencoded";

    private String database;
    private Service a;
    private Service b;
    private String users;

    @Test
    void everyTokenPresentedToBothReplicasAtOnceIsSpentExactlyOnce(TwoReplicas replicas)
            throws Exception {
        use(replicas);
        int sessions = 32;
        int rounds = 5;
        double groupedBefore = grouped(a) + grouped(b);
        List<String> current = login(sessions);
        ExecutorService threads = Executors.newFixedThreadPool(sessions * 4);
        try {
            for (int round = 0; round < rounds; round++) {
                // Each token four times at one instant, twice to each replica: one spend, three
                // retries.
                CountDownLatch start = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (String token : current) {
                    for (Service replica : List.of(a, b, a, b)) {
                        answers.add(
                                threads.submit(
                                        () -> {
                                            start.await();
                                            return refresh(replica, token);
                                        }));
                    }
                }
                start.countDown();
                for (int s = 0; s < sessions; s++) {
                    Set<String> successors = new HashSet<>();
                    for (int i = 0; i < 4; i++) {
                        HttpResponse<String> answer =
                                answers.get(s * 4 + i).get(30, TimeUnit.SECONDS);
                        assertEquals(200, answer.statusCode(), answer.body());
                        successors.add(Jose.field(answer.body(), "refresh_token"));
                    }
                    assertEquals(1, successors.size(), "one successor for all presentations");
                    current.set(s, successors.iterator().next());
                }
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(
                0L,
                number(
                        "select count(*) from refresh_families where revoked_at is not null"
                                + ourFamilies()),
                "sessions revoked");
        assertEquals(
                0L,
                number(
                        "select count(*) from (select family_id from refresh_tokens"
                                + " where family_id in (select id from refresh_families where true"
                                + ourFamilies()
                                + ") group by family_id having count(*) <> "
                                + (rounds + 1)
                                + " or count(spent_at) <> "
                                + rounds
                                + ") wrong"),
                "a session whose tokens were not spent exactly once each");
        assertEquals(
                (long) sessions * (rounds + 1),
                number(
                        "select count(*) from refresh_tokens where family_id in"
                                + " (select id from refresh_families where true"
                                + ourFamilies()
                                + ")"));
        assertTrue(grouped(a) + grouped(b) > groupedBefore, "no two refreshes shared a statement");
    }

    @Test
    void aReplicaKilledWithBatchesInFlightLosesNoRefreshItAnswered(TwoReplicas replicas)
            throws Exception {
        try (Service doomed = Service.start(replicas.database, TwoReplicas.SHARED)) {
            doomed.awaitReady();
            use(replicas);
            a = doomed;
            killWithBatchesInFlight();
        }
    }

    private void use(TwoReplicas replicas) {
        database = replicas.database;
        a = replicas.a;
        b = replicas.b;
        users = "group-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** A condition on refresh_families: only the families of this test's users. */
    private String ourFamilies() {
        return " and user_id in (select id from users where username like '" + users + "%')";
    }

    private void killWithBatchesInFlight() throws Exception {
        int sessions = 48;
        List<String> tokens = login(sessions);
        Map<Integer, String> latest = new ConcurrentHashMap<>();
        for (int s = 0; s < sessions; s++) {
            latest.put(s, tokens.get(s));
        }
        List<String> answeredByA = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger failovers = new AtomicInteger();
        AtomicInteger afterKill = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(sessions);
        List<Future<?>> loops = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            int session = s;
            // A client: refreshes on A; a connection error or 503 is retried with the same token on
            // B.
            loops.add(
                    clients.submit(
                            () -> {
                                Service target = a;
                                while (running.get()) {
                                    String token = latest.get(session);
                                    HttpResponse<String> answer;
                                    try {
                                        answer = refresh(target, token);
                                    } catch (Exception lost) {
                                        answer = null;
                                    }
                                    if (answer == null || answer.statusCode() == 503) {
                                        failovers.incrementAndGet();
                                        target = b;
                                        continue;
                                    }
                                    if (answer.statusCode() != 200) {
                                        failures.add(
                                                "session "
                                                        + session
                                                        + ": "
                                                        + answer.statusCode()
                                                        + " "
                                                        + answer.body());
                                        return;
                                    }
                                    String next = Jose.field(answer.body(), "refresh_token");
                                    if (target == a) {
                                        answeredByA.add(next);
                                    } else if (killed.get()) {
                                        afterKill.incrementAndGet();
                                    }
                                    latest.put(session, next);
                                }
                            }));
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Await.until(
                    "replica A answered and batched, or a request failed",
                    Duration.ofNanos(deadline - System.nanoTime()),
                    () ->
                            !failures.isEmpty()
                                    || (answeredByA.size() >= sessions * 5 && grouped(a) > 0));
            assertTrue(grouped(a) > 0, "replica A never batched");
            a.process.destroyForcibly(); // SIGKILL, its clients' requests and batches in flight
            killed.set(true);
            assertTrue(a.process.waitFor(10, TimeUnit.SECONDS));
            Await.until(
                    "replica B answered after the kill, or a request failed",
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    () -> !failures.isEmpty() || afterKill.get() >= sessions * 3);
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        assertEquals(List.of(), failures, "refreshes refused");
        System.out.printf(
                "group commit crash: %d refreshes answered by A, %d requests failed over, %d answered by B after"
                        + " the kill%n",
                answeredByA.size(), failovers.get(), afterKill.get());
        assertTrue(failovers.get() > 0, "the kill hit no request in flight");
        // Every successor A answered with 200 was committed, and every session lives on.
        for (String successor : answeredByA) {
            assertEquals(
                    1L,
                    number(
                            "select count(*) from refresh_tokens where token_hash = '\\x"
                                    + sha256Hex(successor)
                                    + "'"),
                    "a successor answered with 200 is missing");
        }
        for (String token : latest.values()) {
            HttpResponse<String> answer = refresh(b, token);
            assertEquals(200, answer.statusCode(), answer.body());
        }
        assertEquals(
                0L,
                number(
                        "select count(*) from refresh_families where revoked_at is not null"
                                + ourFamilies()),
                "sessions revoked");
    }

    /** Registers {@code count} users on A and logs each in once: their first refresh tokens. */
    private List<String> login(int count) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = users + i;
            HttpResponse<String> created =
                    a.post(
                            "/users",
                            "application/json",
                            "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}",
                            null);
            assertEquals(201, created.statusCode(), created.body());
            HttpResponse<String> login =
                    a.post(
                            "/oauth2/token",
                            FORM,
                            "grant_type=password&username=" + user + "&password=" + PASSWORD,
                            null);
            assertEquals(200, login.statusCode(), login.body());
            tokens.add(Jose.field(login.body(), "refresh_token"));
        }
        return tokens;
    }

    private static HttpResponse<String> refresh(Service replica, String token) throws Exception {
        return replica.post(
                "/oauth2/token", FORM, "grant_type=refresh_token&refresh_token=" + token, null);
    }

    /**
     * Spends a replica wrote together with another one: batched spends beyond one per statement.
     */
    private static double grouped(Service replica) throws Exception {
        double sum = 0;
        double count = 0;
        for (String line : replica.manage("/q/metrics").body().lines().toList()) {
            if (line.startsWith("auth_refresh_spend_batch_sum")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("auth_refresh_spend_batch_count")) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum - count;
    }

    private long number(String sql) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:postgresql://" + Service.PG + "/" + database,
                                "postgres",
                                "");
                PreparedStatement statement = c.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String sha256Hex(String token) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b :
                MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
