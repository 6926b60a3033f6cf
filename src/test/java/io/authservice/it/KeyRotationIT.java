package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database, with the lifecycle sped up: a next key is published 4 s before it
 * signs, JWKS max-age 1 s, replicas reload every second, access tokens live 6 s.
 */
class KeyRotationIT {

    static final long DELAY_MS = 1000;
    static final Map<String, String> FAST =
            Map.of(
                    "AUTH_KEYS_JWKS_MAX_AGE", "PT1S",
                    "AUTH_KEYS_PUBLISH_LEAD_TIME", "PT4S",
                    "AUTH_KEYS_REFRESH_INTERVAL", "PT1S",
                    "AUTH_KEYS_RETIRE_LEEWAY", "PT1S",
                    "AUTH_TOKENS_ACCESS_TOKEN_LIFESPAN", "PT6S",
                    "AUTH_TOKENS_CLOCK_SKEW", "PT0S");

    private String database;
    private Service a;
    private Service b;

    @BeforeEach
    void twoReplicas() throws Exception {
        database = Service.createDatabase();
        // Started together on an empty database: they race to create the first key.
        a = Service.start(database, FAST);
        b = Service.start(database, FAST);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
        Service.dropDatabase(database);
    }

    @Test
    void replicasShareKeysAndRotateWithoutBreakingAValidToken() throws Exception {
        JWKSet first = jwks(a);
        assertEquals(
                1, first.getKeys().size(), "one first key, though two replicas started at once");
        assertEquals(first.toString(), jwks(b).toString());
        String oldKid = first.getKeys().get(0).getKeyID();

        // A token from one replica verifies with the other's JWKS and on the other's protected
        // path.
        String user = register(a);
        Tokens fromA = login(a, user);
        Jose.verify(fromA.access, jwks(b), "RS256");
        assertEquals(200, b.get("/users/me", fromA.access).statusCode());

        // Both replicas asked to rotate at the same moment: exactly one next key.
        String admin = login(a, Service.ADMIN, Service.ADMIN_PASSWORD).access;
        CompletableFuture<HttpResponse<String>> ra =
                CompletableFuture.supplyAsync(() -> rotate(a, admin));
        CompletableFuture<HttpResponse<String>> rb =
                CompletableFuture.supplyAsync(() -> rotate(b, admin));
        assertEquals(200, ra.get().statusCode(), ra.get().body());
        assertEquals(200, rb.get().statusCode(), rb.get().body());
        String nextKid = Jose.field(ra.get().body(), "kid");
        assertEquals(nextKid, Jose.field(rb.get().body(), "kid"));
        assertEquals("next", Jose.field(ra.get().body(), "state"));
        eventually(
                () -> jwksText(a).equals(jwksText(b)) && jwksText(a).contains(nextKid),
                "both publish the next key");

        // A verifier fetches the JWKS once, after the next key appeared, and never again.
        JWKSet cached = jwks(b);
        assertEquals(2, cached.getKeys().size());
        Tokens onA = fromA;
        Tokens onB = login(b, user);
        Set<String> kidsSeen = new HashSet<>();
        String lastOld = fromA.access;
        long until = System.currentTimeMillis() + 4000 + 4 * DELAY_MS;
        while (System.currentTimeMillis() < until) {
            onA = refresh(a, onA);
            onB = refresh(b, onB);
            for (String token : List.of(onA.access, onB.access)) {
                Jose.verify(token, cached, "RS256");
                kidsSeen.add(Jose.kid(token));
                if (Jose.kid(token).equals(oldKid)) {
                    lastOld = token;
                }
            }
            Thread.sleep(200);
        }
        assertEquals(
                Set.of(oldKid, nextKid),
                kidsSeen,
                "tokens of both keys, all verified by the cached JWKS");
        assertEquals(nextKid, Jose.kid(refresh(a, onA).access));
        assertEquals(nextKid, Jose.kid(refresh(b, onB).access));

        // The retired key still verifies the tokens it signed, then leaves the JWKS of both
        // replicas.
        long expiry = Jose.verifyExpiry(lastOld);
        String keys =
                a.get("/admin/keys", login(a, Service.ADMIN, Service.ADMIN_PASSWORD).access).body();
        // On a slow machine the last old token may have expired already (then the key may be gone).
        if (System.currentTimeMillis() < expiry - 500) {
            assertTrue(keys.contains("\"retired\""), keys);
            Jose.verify(lastOld, jwks(a), "RS256");
            assertEquals(
                    200,
                    b.get("/users/me", lastOld).statusCode(),
                    "a valid token of the retired key");
        }
        eventually(
                () -> !jwksText(a).contains(oldKid) && !jwksText(b).contains(oldKid),
                "the retired key leaves");
        assertTrue(
                System.currentTimeMillis() >= expiry,
                "the retired key left before the last token it signed expired");
    }

    @Test
    void anEmergencyWithdrawalEndsTheKeyAndItsSessions() throws Exception {
        String user = register(a);
        Tokens tokens = login(a, user);
        String compromised = Jose.kid(tokens.access);
        String admin = login(b, Service.ADMIN, Service.ADMIN_PASSWORD).access;

        HttpResponse<String> withdrawn =
                b.post("/admin/keys/" + compromised + "/withdraw", null, "", admin);
        assertEquals(200, withdrawn.statusCode(), withdrawn.body());
        String active = Jose.field(withdrawn.body(), "active_kid");
        assertNotEquals(compromised, active);

        eventually(
                () -> !jwksText(a).contains(compromised) && !jwksText(b).contains(compromised),
                "the key leaves");
        assertEquals(401, a.get("/users/me", tokens.access).statusCode());
        assertEquals(
                400,
                a.post(
                                "/oauth2/token",
                                "application/x-www-form-urlencoded",
                                "grant_type=refresh_token&refresh_token=" + tokens.refresh,
                                null)
                        .statusCode());
        Tokens fresh = login(a, user);
        assertEquals(active, Jose.kid(fresh.access));
        Jose.verify(fresh.access, jwks(b), "RS256");
    }

    record Tokens(String access, String refresh) {}

    private static String register(Service service) throws Exception {
        String user = "rot-" + UUID.randomUUID().toString().substring(0, 8);
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
        return user;
    }

    private static Tokens login(Service service, String user) throws Exception {
        return login(service, user, "correct-horse-battery");
    }

    private static Tokens login(Service service, String user, String password) throws Exception {
        return tokens(
                service.post(
                        "/oauth2/token",
                        "application/x-www-form-urlencoded",
                        "grant_type=password&username=" + user + "&password=" + password,
                        null));
    }

    private static Tokens refresh(Service service, Tokens tokens) throws Exception {
        return tokens(
                service.post(
                        "/oauth2/token",
                        "application/x-www-form-urlencoded",
                        "grant_type=refresh_token&refresh_token=" + tokens.refresh,
                        null));
    }

    private static Tokens tokens(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        return new Tokens(
                Jose.field(answer.body(), "access_token"),
                Jose.field(answer.body(), "refresh_token"));
    }

    private static HttpResponse<String> rotate(Service service, String admin) {
        try {
            return service.post("/admin/keys/rotate", null, "", admin);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JWKSet jwks(Service service) throws Exception {
        return JWKSet.parse(jwksText(service));
    }

    static String jwksText(Service service) {
        try {
            return service.get("/.well-known/jwks.json", null).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
