package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKey.OutputControlLevel;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * private_key_jwt (RFC 7523 §3): a client assertion is accepted once, on whichever replica sees it
 * first. Two packaged replicas on one database; a client registered on A.
 *
 * <p>Why this fails if the jti were checked per replica in memory, or not at all: with no check,
 * every presentation of a valid assertion answers 200, so the replay on B (and on A) answers 200
 * instead of 401. With a per-replica memory, A remembers the jti but B has never seen it, so the
 * replay on B answers 200; and in the concurrent rounds each replica sees each jti once, so both
 * answer 200 in every round. Only a check both replicas share, made atomically (one insert that
 * either records the jti or finds it), gives exactly one 200 and one 401 per round; a shared but
 * non-atomic check (look up, then insert) lets both requests of a round through whenever they
 * interleave, which the rounds, started together from two threads, give it every chance to do.
 */
class ClientAssertionReplayIT {

    private static final String ISSUER = "https://auth.example.com";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int ROUNDS = 10;

    /**
     * Each replica throttles failed client authentications per (client, address) in memory: after 5
     * in a row (auth.login.max-failures) it answers 429 before it looks at the jti. Every replay in
     * this test is a failure from 127.0.0.1, and one replica may lose many concurrent rounds in a
     * row; the limit is raised so that the answers show the jti check, not the throttle. The
     * database deadline (1.5 s, which DatabaseFaultsIT holds the service to) is raised too: on a
     * loaded test machine a slow statement would answer 503 (or stop a replica at start, when the
     * bootstrap administrator is made), which says nothing about replays.
     */
    private static final Map<String, String> ENV =
            Map.of("AUTH_LOGIN_MAX_FAILURES", "1000", "AUTH_DATABASE_TIMEOUT", "PT5S");

    private String database;
    private Service a;
    private Service b;
    private RsaJsonWebKey key;
    private String clientId;

    @BeforeEach
    void twoReplicasAndAClient() throws Exception {
        database = Service.createDatabase();
        // One after the other: two JVMs booting at once on a small, busy machine is what makes a
        // start miss its database deadline; the replicas share the database either way.
        a = Service.start(database, ENV);
        a.awaitReady();
        b = Service.start(database, ENV);
        b.awaitReady();

        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("replay-" + UUID.randomUUID().toString().substring(0, 8));
        HttpResponse<String> created =
                a.registerClient(
                        "{\"client_name\":\"replay-it\","
                                + "\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
                                + "\"scope\":\"a b\",\"jwks\":{\"keys\":["
                                + key.toJson(OutputControlLevel.PUBLIC_ONLY)
                                + "]}}");
        clientId = Jose.field(created.body(), "client_id");
        assertNotNull(clientId, created.body());
        assertEquals(
                null,
                Jose.field(created.body(), "client_secret"),
                "a private_key_jwt client has no secret");
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        Service.dropDatabase(database);
    }

    @Test
    void anAssertionIsAcceptedOnceAcrossReplicas() throws Exception {
        String assertion = assertion(ISSUER);
        HttpResponse<String> first = token(a, assertion);
        assertEquals(200, first.statusCode(), first.body());
        assertNotNull(Jose.field(first.body(), "access_token"), first.body());
        assertEquals("a b", Jose.field(first.body(), "scope"), first.body());

        HttpResponse<String> replayOnB = token(b, assertion);
        assertReplayRefused("the same assertion on B", replayOnB);
        HttpResponse<String> replayOnA = token(a, assertion);
        assertReplayRefused("the same assertion again on A", replayOnA);

        // A new jti is a new assertion: B accepts it (B was not broken by the replay).
        HttpResponse<String> fresh = token(b, assertion(ISSUER));
        assertEquals(200, fresh.statusCode(), fresh.body());
        assertNotNull(Jose.field(fresh.body(), "access_token"), fresh.body());
    }

    @Test
    void anAssertionSentToBothReplicasAtOnceIsAcceptedByExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier together = new CyclicBarrier(2);
        List<String> rounds = new ArrayList<>();
        int wonByA = 0;
        int conclusive = 0;
        try {
            // Warm both connections up, so that the rounds race on the jti, not on connecting.
            assertEquals(200, token(a, assertion(ISSUER)).statusCode());
            assertEquals(200, token(b, assertion(ISSUER)).statusCode());
            // A round with a 503 (the database did not answer in time: a busy machine) shows
            // nothing
            // about replays, so another round is run in its place (up to ROUNDS extra rounds).
            for (int round = 1; conclusive < ROUNDS && round <= 2 * ROUNDS; round++) {
                String assertion = assertion(ISSUER);
                Future<HttpResponse<String>> onA =
                        pool.submit(
                                () -> {
                                    together.await(10, TimeUnit.SECONDS);
                                    return token(a, assertion);
                                });
                Future<HttpResponse<String>> onB =
                        pool.submit(
                                () -> {
                                    together.await(10, TimeUnit.SECONDS);
                                    return token(b, assertion);
                                });
                HttpResponse<String> answerA = onA.get(30, TimeUnit.SECONDS);
                HttpResponse<String> answerB = onB.get(30, TimeUnit.SECONDS);
                rounds.add(answerA.statusCode() + "/" + answerB.statusCode());
                if (answerA.statusCode() == 503 || answerB.statusCode() == 503) {
                    continue;
                }
                conclusive++;
                assertTrue(
                        answerA.statusCode() == 200 && answerB.statusCode() == 401
                                || answerA.statusCode() == 401 && answerB.statusCode() == 200,
                        "round "
                                + round
                                + ": A answered "
                                + answerA.statusCode()
                                + " "
                                + answerA.body()
                                + ", B answered "
                                + answerB.statusCode()
                                + " "
                                + answerB.body()
                                + a.unavailability()
                                + b.unavailability());
                HttpResponse<String> loser = answerA.statusCode() == 401 ? answerA : answerB;
                assertReplayRefused("round " + round + ", the replica that lost", loser);
                wonByA += answerA.statusCode() == 200 ? 1 : 0;
            }
            assertEquals(ROUNDS, conclusive, "rounds without a 503: " + rounds);
        } finally {
            pool.shutdownNow();
            System.out.printf(
                    "ClientAssertionReplayIT | concurrent rounds (A/B): %s; A won %d of %d conclusive%n",
                    rounds, wonByA, conclusive);
        }
    }

    /** A client assertion for {@link #clientId}, signed by its registered key, with a new jti. */
    private String assertion(String audience) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(clientId);
        claims.setSubject(clientId);
        claims.setAudience(audience);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(2);
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static HttpResponse<String> token(Service service, String assertion) throws Exception {
        return service.post(
                "/oauth2/token",
                FORM,
                "grant_type=client_credentials"
                        + "&client_assertion_type="
                        + URLEncoder.encode(
                                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                StandardCharsets.UTF_8)
                        + "&client_assertion="
                        + assertion,
                null);
    }

    /**
     * A 401 invalid_client; that it is for the spent jti shows in the fresh assertion (same key,
     * same claims, a new jti) being accepted. The description names no reason (issue 16).
     */
    private static void assertReplayRefused(String what, HttpResponse<String> answer) {
        assertEquals(401, answer.statusCode(), what + ": " + answer.body());
        assertEquals(
                "invalid_client", Jose.field(answer.body(), "error"), what + ": " + answer.body());
        assertEquals(
                "client authentication failed",
                Jose.field(answer.body(), "error_description"),
                what + ": " + answer.body());
        assertEquals(null, Jose.field(answer.body(), "access_token"), what + ": " + answer.body());
    }
}
