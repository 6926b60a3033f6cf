package io.authservice.keys;

import io.authservice.keys.SigningKey.KeyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The transitions of the key lifecycle that are due, decided from the keys, the time and the
 * settings alone: next → active → retired → removed. A next key is published at least {@code lead}
 * before it signs, so verifiers that honour the JWKS cache headers hold it in time.
 */
final class KeyPlan {

    sealed interface Step permits Create, Promote, Delete {}

    /** Generate a key; an active one signs at once, a next one at {@code activateAt}. */
    record Create(KeyState state, String algorithm, Instant activateAt) implements Step {}

    /** The active key retires and the next key becomes active. */
    record Promote(String activeKid, String nextKid) implements Step {}

    /** A key leaves the JWKS and the database. */
    record Delete(String kid) implements Step {}

    record Settings(String algorithm, Duration period, Duration lead) {}

    private KeyPlan() {}

    static List<Step> plan(List<SigningKey> keys, Instant now, Settings settings) {
        List<Step> steps = new ArrayList<>();
        keys.stream()
                .filter(k -> k.state() == KeyState.RETIRED && !k.dates().removeAt().isAfter(now))
                .forEach(k -> steps.add(new Delete(k.kid())));
        Optional<SigningKey> active = find(keys, KeyState.ACTIVE);
        Optional<SigningKey> next = find(keys, KeyState.NEXT);
        Instant afterLead = now.plus(settings.lead());

        if (active.isEmpty()) {
            steps.add(new Create(KeyState.ACTIVE, settings.algorithm(), null));
        } else if (next.isPresent()
                && !next.get().algorithm().equals(settings.algorithm())
                && !active.get().algorithm().equals(settings.algorithm())) {
            // The configured algorithm changed while a next key waited: stage one of the new kind.
            // (A replica still on the active key's algorithm leaves a newer replica's next key be,
            // so old and new replicas do not undo each other during a rolling update.)
            steps.add(new Delete(next.get().kid()));
            steps.add(new Create(KeyState.NEXT, settings.algorithm(), afterLead));
        } else if (next.isPresent()) {
            if (!next.get().dates().activateAt().isAfter(now)) {
                steps.add(new Promote(active.get().kid(), next.get().kid()));
            }
        } else if (!active.get().algorithm().equals(settings.algorithm())) {
            steps.add(new Create(KeyState.NEXT, settings.algorithm(), afterLead));
        } else {
            Instant due = active.get().dates().activated().plus(settings.period());
            if (!due.minus(settings.lead()).isAfter(now)) {
                steps.add(
                        new Create(
                                KeyState.NEXT,
                                settings.algorithm(),
                                due.isAfter(afterLead) ? due : afterLead));
            }
        }
        return steps;
    }

    static Optional<SigningKey> find(List<SigningKey> keys, KeyState state) {
        return keys.stream().filter(k -> k.state() == state).findFirst();
    }
}
