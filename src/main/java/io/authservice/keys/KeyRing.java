package io.authservice.keys;

import io.authservice.config.AuthConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The signing keys in force, held in memory: the active key that signs, every published key by
 * {@code kid} for verification, and the JWKS document with its ETag, built once per change.
 */
@Singleton
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);

    /** An immutable view of the keys; replaced whole when they change. */
    public record Snapshot(SigningKey active, Map<String, SigningKey> published, byte[] jwks, String etag) {}

    private final KeyRepository repository;
    private final String algorithm;
    private volatile Snapshot snapshot;

    KeyRing(KeyRepository repository, AuthConfig config) {
        this.repository = repository;
        this.algorithm = config.keys().algorithm();
    }

    void onStart(@Observes StartupEvent event) {
        load().await().atMost(Duration.ofMinutes(1));
    }

    /** Loads the keys, first creating an active key when there is none (first start). */
    Uni<Void> load() {
        return repository.loadAll()
                .chain(keys -> keys.stream().anyMatch(k -> k.state() == SigningKey.KeyState.ACTIVE)
                        ? Uni.createFrom().item(keys)
                        : createActiveKey().chain(repository::loadAll))
                .invoke(keys -> snapshot = snapshotOf(keys))
                .invoke(() -> LOG.infof("signing keys loaded; active key %s (%s)",
                        snapshot.active().kid(), snapshot.active().algorithm()))
                .replaceWithVoid();
    }

    private Uni<Boolean> createActiveKey() {
        SigningKey key = KeyGenerator.generate(algorithm, SigningKey.KeyState.ACTIVE);
        return repository.insert(key)
                .invoke(created -> LOG.infof(created ? "created signing key %s (%s)"
                        : "another replica created the first signing key; %s discarded", key.kid(), algorithm));
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public SigningKey activeKey() {
        return snapshot.active();
    }

    /**
     * The key for verifying a token, by its {@code kid}; the token's {@code alg} must be the one the
     * key was made for, so nothing in a token's header picks an algorithm.
     */
    public Key verificationKey(String kid, String alg) throws UnresolvableKeyException {
        SigningKey key = kid == null ? null : snapshot.published().get(kid);
        if (key == null || !key.algorithm().equals(alg)) {
            throw new UnresolvableKeyException("no published key for this kid and alg");
        }
        return key.publicKey();
    }

    static Snapshot snapshotOf(List<SigningKey> keys) {
        SigningKey active = keys.stream().filter(k -> k.state() == SigningKey.KeyState.ACTIVE).findFirst()
                .orElseThrow(() -> new IllegalStateException("no active signing key"));
        Map<String, SigningKey> published = keys.stream()
                .sorted(Comparator.comparing(SigningKey::state).thenComparing(SigningKey::createdAt))
                .collect(Collectors.toMap(SigningKey::kid, k -> k, (a, b) -> a, LinkedHashMap::new));
        String json = published.values().stream().map(SigningKey::publicJwk)
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
        byte[] jwks = json.getBytes(StandardCharsets.UTF_8);
        return new Snapshot(active, Map.copyOf(published), jwks, etagOf(jwks));
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
