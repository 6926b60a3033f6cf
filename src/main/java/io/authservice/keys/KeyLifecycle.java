package io.authservice.keys;

import io.authservice.config.DatabaseConfig;
import io.authservice.config.KeysConfig;
import io.authservice.config.TokensConfig;
import io.authservice.keys.KeyPlan.Create;
import io.authservice.keys.KeyPlan.Delete;
import io.authservice.keys.KeyPlan.Promote;
import io.authservice.keys.KeyPlan.Step;
import io.authservice.keys.SigningKey.KeyState;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Decides and carries out key transitions, in the transaction of the use case that asks for them
 * (its deadline: {@link #transitionDeadline}), through {@link KeyRepository}. Every change holds
 * the one advisory lock of key transitions, so across any number of replicas exactly one performs a
 * given transition; the others pick the result up when they next reload ({@code
 * auth.keys.refresh-interval}).
 */
@Singleton
public class KeyLifecycle {

    private static final Logger LOG = Logger.getLogger(KeyLifecycle.class);

    /**
     * An emergency withdrawal: which key went, which signs now, and when the withdrawn one signed
     * (from null if never), with a margin of one replica reload on each side.
     */
    public record Withdrawal(
            String kid, String activeKid, Instant signedFrom, Instant signedUntil) {}

    private record State(List<SigningKey> keys, Instant now) {}

    /** Transitions may generate a key inside their transaction: the database deadline plus this. */
    private static final Duration KEY_GENERATION_ALLOWANCE = Duration.ofSeconds(10);

    private final Duration deadline;
    private final KeyRepository repository;
    private final Vertx vertx;
    private final KeyPlan.Settings settings;
    private final Duration retireAfter;
    private final Duration replicaDelay;

    KeyLifecycle(
            KeyRepository repository,
            Vertx vertx,
            DatabaseConfig databaseConfig,
            KeysConfig keys,
            TokensConfig tokensConfig) {
        this.deadline = databaseConfig.timeout().plus(KEY_GENERATION_ALLOWANCE);
        this.repository = repository;
        this.vertx = vertx;
        this.settings =
                new KeyPlan.Settings(
                        keys.algorithm(), keys.rotationPeriod(), keys.publishLeadTime());
        this.retireAfter =
                tokensConfig
                        .tokens()
                        .accessTokenLifespan()
                        .plus(tokensConfig.tokens().clockSkew())
                        .plus(keys.retireLeeway());
        this.replicaDelay = keys.refreshInterval();
    }

    /** A transaction making key transitions may generate a key: its deadline. */
    public Duration transitionDeadline() {
        return deadline;
    }

    /**
     * Performs the transitions that are due, in the caller's transaction; {@code wait} blocks for
     * the lock instead of skipping. Answers whether anything changed.
     */
    public Uni<Boolean> advance(Transaction conn, boolean wait) {
        return repository
                .lock(conn, wait)
                .chain(locked -> locked ? due(conn) : Uni.createFrom().item(false));
    }

    private Uni<Boolean> due(Transaction conn) {
        return state(conn)
                .chain(
                        state ->
                                apply(
                                                conn,
                                                KeyPlan.plan(state.keys(), state.now(), settings),
                                                state.now())
                                        .chain(
                                                changed ->
                                                        reseal(conn, state.keys())
                                                                .map(
                                                                        resealed ->
                                                                                changed
                                                                                        || resealed)));
    }

    /**
     * Starts a staged rotation now, in the caller's transaction: the next key signs after the lead
     * time. Answers its kid.
     */
    public Uni<String> rotateNow(Transaction conn) {
        return repository
                .lock(conn, true)
                .chain(() -> state(conn))
                .chain(state -> rotateNow(conn, state));
    }

    private Uni<String> rotateNow(Transaction conn, State state) {
        Optional<SigningKey> next = KeyPlan.find(state.keys(), KeyState.NEXT);
        if (next.isEmpty()) {
            Create create =
                    new Create(
                            KeyState.NEXT, settings.algorithm(), state.now().plus(settings.lead()));
            return create(conn, create, state.now())
                    .chain(() -> repository.kidIn(conn, KeyState.NEXT));
        }
        Instant earliest = next.get().dates().created().plus(settings.lead());
        Instant at = earliest.isAfter(state.now()) ? earliest : state.now();
        return repository.activateBy(conn, next.get().kid(), at).replaceWith(next.get().kid());
    }

    /**
     * Withdraws a key at once (it is compromised), in the caller's transaction: it leaves the JWKS,
     * and if it was signing, the next key (or a new one) signs from now on. Tokens it signed stop
     * verifying; ending the sessions that received them ({@link Withdrawal#signedFrom}) is the
     * caller's part of the same transaction, whose deadline must allow for generating a key ({@link
     * #transitionDeadline}).
     */
    public Uni<Withdrawal> withdraw(Transaction conn, String kid) {
        return repository
                .lock(conn, true)
                .chain(() -> state(conn))
                .chain(state -> withdraw(conn, state, kid))
                .invoke(
                        w ->
                                LOG.warnf(
                                        "signing key %s withdrawn; key %s signs now",
                                        kid, w.activeKid()));
    }

    private Uni<Withdrawal> withdraw(Transaction conn, State state, String kid) {
        SigningKey key =
                state.keys().stream()
                        .filter(k -> k.kid().equals(kid))
                        .findFirst()
                        .orElseThrow(() -> new Failure(Failure.Reason.NOT_FOUND, "no key " + kid));
        Optional<SigningKey> next = KeyPlan.find(state.keys(), KeyState.NEXT);
        Uni<Void> replace =
                key.state() != KeyState.ACTIVE
                        ? Uni.createFrom().voidItem()
                        : next.isPresent()
                                ? repository.activate(conn, next.get().kid(), state.now())
                                : create(
                                        conn,
                                        new Create(KeyState.ACTIVE, settings.algorithm(), null),
                                        state.now());
        Instant from =
                key.dates().activated() == null
                        ? null
                        : key.dates().activated().minus(replicaDelay);
        Instant until =
                (key.dates().retired() == null ? state.now() : key.dates().retired())
                        .plus(replicaDelay);
        return repository
                .delete(conn, kid)
                .chain(() -> replace)
                .chain(() -> repository.kidIn(conn, KeyState.ACTIVE))
                .map(active -> new Withdrawal(kid, active, from, until));
    }

    private Uni<State> state(Transaction conn) {
        return repository
                .now(conn)
                .chain(now -> repository.loadAll(conn).map(keys -> new State(keys, now)));
    }

    private Uni<Boolean> apply(Transaction conn, List<Step> steps, Instant now) {
        if (steps.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return Multi.createFrom()
                .iterable(steps)
                .onItem()
                .transformToUniAndConcatenate(step -> perform(conn, step, now))
                .collect()
                .last()
                .replaceWith(true);
    }

    private Uni<Void> perform(Transaction conn, Step step, Instant now) {
        if (step instanceof Create create) {
            return create(conn, create, now);
        }
        if (step instanceof Promote promote) {
            return promote(conn, promote, now);
        }
        Delete delete = (Delete) step;
        return repository
                .delete(conn, delete.kid())
                .invoke(() -> LOG.infof("signing key %s removed from the JWKS", delete.kid()));
    }

    private Uni<Void> create(Transaction conn, Create create, Instant now) {
        // Generating an RSA key takes up to a second of CPU: not on an event loop.
        return vertx.executeBlocking(
                        Uni.createFrom()
                                .item(
                                        () ->
                                                KeyGenerator.generate(
                                                        create.algorithm(), create.state())))
                .map(
                        key ->
                                new SigningKey(
                                        key.kid(),
                                        key.algorithm(),
                                        key.state(),
                                        key.publicKey(),
                                        key.privateKey(),
                                        key.publicJwk(),
                                        new SigningKey.Dates(
                                                now,
                                                create.state() == KeyState.ACTIVE ? now : null,
                                                create.activateAt(),
                                                null,
                                                null)))
                .chain(
                        key ->
                                repository
                                        .insert(conn, key)
                                        .invoke(
                                                () ->
                                                        LOG.infof(
                                                                "signing key %s (%s) created as %s%s",
                                                                key.kid(),
                                                                key.algorithm(),
                                                                KeyRepository.stateName(
                                                                        key.state()),
                                                                create.activateAt() == null
                                                                        ? ""
                                                                        : ", signing from "
                                                                                + create
                                                                                        .activateAt())));
    }

    private Uni<Void> promote(Transaction conn, Promote promote, Instant now) {
        return repository
                .retire(conn, promote.activeKid(), now, retireAfter)
                .chain(() -> repository.activate(conn, promote.nextKid(), now))
                .invoke(
                        () ->
                                LOG.infof(
                                        "signing key %s active; %s retired",
                                        promote.nextKid(), promote.activeKid()));
    }

    /** KEK rotation: keys sealed under an earlier KEK are sealed again under the current one. */
    private Uni<Boolean> reseal(Transaction conn, List<SigningKey> keys) {
        return repository
                .sealedUnderEarlierKek(conn)
                .chain(
                        kids ->
                                kids.isEmpty()
                                        ? Uni.createFrom().item(false)
                                        : Multi.createFrom()
                                                .iterable(keys)
                                                .filter(k -> kids.contains(k.kid()))
                                                .onItem()
                                                .transformToUniAndConcatenate(
                                                        k ->
                                                                repository
                                                                        .reseal(conn, k)
                                                                        .invoke(
                                                                                () ->
                                                                                        LOG.infof(
                                                                                                "signing key %s sealed again under the current KEK",
                                                                                                k
                                                                                                        .kid())))
                                                .collect()
                                                .last()
                                                .replaceWith(true));
    }
}
