package io.authservice.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.authservice.keys.KeyPlan.Create;
import io.authservice.keys.KeyPlan.Delete;
import io.authservice.keys.KeyPlan.Promote;
import io.authservice.keys.SigningKey.KeyState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPlanTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration PERIOD = Duration.ofDays(30);
    private static final Duration LEAD = Duration.ofHours(1);
    private static final KeyPlan.Settings RS256 = new KeyPlan.Settings("RS256", PERIOD, LEAD);

    @Test
    void anEmptyDatabaseGetsAnActiveKey() {
        assertEquals(
                List.of(new Create(KeyState.ACTIVE, "RS256", null)),
                KeyPlan.plan(List.of(), T0, RS256));
    }

    @Test
    void nothingIsDueEarlyInAPeriod() {
        assertEquals(
                List.of(),
                KeyPlan.plan(List.of(active("a", T0)), T0.plus(Duration.ofDays(10)), RS256));
    }

    @Test
    void theNextKeyIsPublishedOneLeadTimeBeforeThePeriodEnds() {
        Instant due = T0.plus(PERIOD);
        assertEquals(
                List.of(),
                KeyPlan.plan(List.of(active("a", T0)), due.minus(LEAD).minusSeconds(1), RS256));
        assertEquals(
                List.of(new Create(KeyState.NEXT, "RS256", due)),
                KeyPlan.plan(List.of(active("a", T0)), due.minus(LEAD), RS256));
    }

    @Test
    void aLateNextKeyStillGetsTheWholeLeadTime() {
        Instant late = T0.plus(PERIOD).plus(Duration.ofDays(2));
        assertEquals(
                List.of(new Create(KeyState.NEXT, "RS256", late.plus(LEAD))),
                KeyPlan.plan(List.of(active("a", T0)), late, RS256));
    }

    @Test
    void theNextKeySignsOnlyFromItsActivationTime() {
        Instant at = T0.plus(PERIOD);
        List<SigningKey> keys = List.of(active("a", T0), next("b", "RS256", at.minus(LEAD), at));
        assertEquals(List.of(), KeyPlan.plan(keys, at.minusSeconds(1), RS256));
        assertEquals(List.of(new Promote("a", "b")), KeyPlan.plan(keys, at, RS256));
    }

    @Test
    void aRetiredKeyLeavesAtItsRemovalTime() {
        Instant removeAt = T0.plus(Duration.ofMinutes(10));
        List<SigningKey> keys = List.of(active("b", T0), retired("a", removeAt));
        assertEquals(List.of(), KeyPlan.plan(keys, removeAt.minusSeconds(1), RS256));
        assertEquals(List.of(new Delete("a")), KeyPlan.plan(keys, removeAt, RS256));
    }

    @Test
    void changingTheAlgorithmIsAStagedRotation() {
        KeyPlan.Settings es256 = new KeyPlan.Settings("ES256", PERIOD, LEAD);
        Instant now = T0.plusSeconds(60);
        assertEquals(
                List.of(new Create(KeyState.NEXT, "ES256", now.plus(LEAD))),
                KeyPlan.plan(List.of(active("a", T0)), now, es256));
        // A next key of the old algorithm is replaced by one of the new.
        List<SigningKey> keys = List.of(active("a", T0), next("b", "RS256", T0, T0.plus(PERIOD)));
        assertEquals(
                List.of(new Delete("b"), new Create(KeyState.NEXT, "ES256", now.plus(LEAD))),
                KeyPlan.plan(keys, now, es256));
    }

    @Test
    void aReplicaWithTheOldAlgorithmDoesNotUndoAStagedChange() {
        Instant at = T0.plus(LEAD);
        List<SigningKey> keys = List.of(active("a", T0), next("b", "ES256", T0, at));
        assertEquals(List.of(), KeyPlan.plan(keys, at.minusSeconds(1), RS256));
        assertEquals(List.of(new Promote("a", "b")), KeyPlan.plan(keys, at, RS256));
    }

    private static SigningKey active(String kid, Instant activated) {
        return key(
                kid,
                "RS256",
                KeyState.ACTIVE,
                new SigningKey.Dates(activated, activated, null, null, null));
    }

    private static SigningKey next(String kid, String alg, Instant created, Instant activateAt) {
        return key(
                kid,
                alg,
                KeyState.NEXT,
                new SigningKey.Dates(created, null, activateAt, null, null));
    }

    private static SigningKey retired(String kid, Instant removeAt) {
        return key(
                kid, "RS256", KeyState.RETIRED, new SigningKey.Dates(T0, T0, null, T0, removeAt));
    }

    private static SigningKey key(String kid, String alg, KeyState state, SigningKey.Dates dates) {
        return new SigningKey(kid, alg, state, null, null, "{}", dates);
    }
}
