package io.authservice.keys;

import io.authservice.config.KeysConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The signing keys in force, held in memory: the active key that signs, every published key by
 * {@code kid} for verification, and the JWKS document with its ETag, built once per change. Loaded
 * at start and again each {@code auth.keys.refresh-interval} ({@code maintenance.KeyRotation}),
 * from the database (one statement, no transaction of its own) or from key files.
 */
@Singleton
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);

    /** An immutable view of the keys; replaced whole when they change. */
    public record Snapshot(
            SigningKey active,
            Map<String, SigningKey> published,
            byte[] jwks,
            String etag,
            Set<String> algorithms) {}

    private final KeyRepository repository;
    private final Vertx vertx;
    private final Path filesDir;
    private final String defaultRsaAlgorithm;
    private volatile Snapshot snapshot;
    private volatile String fingerprint;

    KeyRing(KeyRepository repository, Vertx vertx, KeysConfig config) {
        this.vertx = vertx;
        this.repository = repository;
        KeysConfig keys = config;
        if (keys.publishLeadTime().compareTo(keys.jwksMaxAge()) < 0) {
            throw new IllegalStateException(
                    "auth.keys.publish-lead-time ("
                            + keys.publishLeadTime()
                            + ") must be at least auth.keys.jwks-max-age ("
                            + keys.jwksMaxAge()
                            + ")");
        }
        this.filesDir =
                switch (keys.source()) {
                    case "database" -> null;
                    case "files" ->
                            Path.of(
                                    keys.filesDir()
                                            .orElseThrow(
                                                    () ->
                                                            new IllegalStateException(
                                                                    "auth.keys.source=files needs auth.keys.files-dir")));
                    default ->
                            throw new IllegalStateException(
                                    "auth.keys.source must be database or files");
                };
        this.defaultRsaAlgorithm = keys.algorithm().equals("PS256") ? "PS256" : "RS256";
    }

    /** Reloads the keys if another replica (or this one) changed them. */
    public Uni<Void> refresh() {
        return repository
                .fingerprint()
                .chain(
                        current ->
                                current.equals(fingerprint)
                                        ? Uni.createFrom().voidItem()
                                        : reload().replaceWithVoid());
    }

    /** Reloads the keys from the database. */
    public Uni<Snapshot> reload() {
        return repository.loadAll().map(loaded -> install(loaded.keys(), loaded.fingerprint()));
    }

    /** Reads the key files again, off the event loop (file I/O blocks). */
    public Uni<Void> reloadFiles() {
        return vertx.executeBlocking(
                        Uni.createFrom().item(() -> KeyFiles.load(filesDir, defaultRsaAlgorithm)))
                .map(
                        keys ->
                                install(
                                        keys,
                                        keys.stream()
                                                .map(k -> k.kid() + ":" + k.state())
                                                .collect(Collectors.joining(","))))
                .replaceWithVoid();
    }

    private Snapshot install(List<SigningKey> keys, String newFingerprint) {
        if (!Objects.equals(newFingerprint, fingerprint)) {
            Snapshot next = snapshotOf(keys);
            if (snapshot != null && !snapshot.active().kid().equals(next.active().kid())) {
                LOG.infof(
                        "now signing with key %s (%s)",
                        next.active().kid(), next.active().algorithm());
            }
            snapshot = next;
            fingerprint = newFingerprint;
        }
        return snapshot;
    }

    public boolean managedByFiles() {
        return filesDir != null;
    }

    /** Where the keys come from: the key files' directory, or the database. */
    public String source() {
        return filesDir != null ? filesDir.toString() : "the database";
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public SigningKey activeKey() {
        return snapshot.active();
    }

    /**
     * The key for verifying a token, by its {@code kid}; the token's {@code alg} must be the one
     * the key was made for, so nothing in a token's header picks an algorithm.
     */
    public Key verificationKey(String kid, String alg) throws UnresolvableKeyException {
        SigningKey key = kid == null ? null : snapshot.published().get(kid);
        if (key == null || !key.algorithm().equals(alg)) {
            throw new UnresolvableKeyException("no published key for this kid and alg");
        }
        return key.publicKey();
    }

    static Snapshot snapshotOf(List<SigningKey> keys) {
        SigningKey active =
                keys.stream()
                        .filter(k -> k.state() == SigningKey.KeyState.ACTIVE)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no active signing key"));
        Map<String, SigningKey> published =
                keys.stream()
                        .sorted(
                                Comparator.comparing(SigningKey::state)
                                        .thenComparing(k -> k.dates().created()))
                        .collect(
                                Collectors.toMap(
                                        SigningKey::kid, k -> k, (a, b) -> a, LinkedHashMap::new));
        String json =
                published.values().stream()
                        .map(SigningKey::publicJwk)
                        .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
        byte[] jwks = json.getBytes(StandardCharsets.UTF_8);
        Set<String> algorithms =
                published.values().stream()
                        .map(SigningKey::algorithm)
                        .collect(Collectors.toCollection(TreeSet::new));
        return new Snapshot(
                active,
                Map.copyOf(published),
                jwks,
                etagOf(jwks),
                Collections.unmodifiableSet(algorithms));
    }

    private static String etagOf(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
