package io.authservice.keys;

import io.authservice.platform.db.AdvisoryLock;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** Signing keys in PostgreSQL, private parts sealed by {@link KeyEncryption}. */
@Singleton
public class KeyRepository {

    private static final String COLUMNS =
            "kid, algorithm, state, public_jwk, private_key, kek_id,"
                    + " created_at, activated_at, activate_at, retired_at, remove_at";

    /** A cheap digest of the key rows, to notice changes made by other replicas. */
    private static final String FINGERPRINT =
            "select coalesce(string_agg(kid || ':' || state || ':' || kek_id, ',' order by kid), '')"
                    + " from signing_keys";

    /** The advisory lock of key transitions ("authkeys"). */
    private static final long LOCK = 0x617574686b657973L;

    /** The keys as one statement saw them, with their fingerprint. */
    record Loaded(String fingerprint, List<SigningKey> keys) {}

    private final KeyEncryption encryption;
    private final Database database;

    KeyRepository(KeyEncryption encryption, Database database) {
        this.encryption = encryption;
        this.database = database;
    }

    /**
     * Every key with the fingerprint of the same rows, in one statement of its own (one snapshot:
     * the fingerprint always describes the keys it comes with).
     */
    Uni<Loaded> loadAll() {
        return database.execute(
                        "select "
                                + COLUMNS
                                + ", ("
                                + FINGERPRINT
                                + ") as fingerprint from signing_keys order by created_at, kid",
                        Tuple.tuple())
                .map(
                        rows -> {
                            List<SigningKey> keys = new ArrayList<>();
                            String fingerprint = "";
                            for (Row row : rows) {
                                keys.add(toKey(row));
                                fingerprint = row.getString("fingerprint");
                            }
                            return new Loaded(fingerprint, keys);
                        });
    }

    Uni<List<SigningKey>> loadAll(Transaction db) {
        return db.query("select " + COLUMNS + " from signing_keys order by created_at, kid")
                .execute()
                .map(
                        rows -> {
                            List<SigningKey> keys = new ArrayList<>();
                            for (Row row : rows) {
                                keys.add(toKey(row));
                            }
                            return keys;
                        });
    }

    /** The fingerprint of the keys now, in a statement of its own. */
    Uni<String> fingerprint() {
        return database.execute(FINGERPRINT, Tuple.tuple())
                .map(rows -> rows.iterator().next().getString(0));
    }

    /**
     * Takes the lock of key transitions for the transaction: {@code wait} blocks until it is free;
     * otherwise false when another replica holds it.
     */
    Uni<Boolean> lock(Transaction db, boolean wait) {
        return wait
                ? AdvisoryLock.take(db, LOCK).replaceWith(true)
                : AdvisoryLock.tryTake(db, LOCK);
    }

    /** The database's time of the transaction. */
    Uni<Instant> now(Transaction db) {
        return db.query("select now()")
                .execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    /** The kid of the key in {@code state} (there is one active key and at most one next key). */
    Uni<String> kidIn(Transaction db, SigningKey.KeyState state) {
        return db.preparedQuery("select kid from signing_keys where state = $1")
                .execute(Tuple.of(stateName(state)))
                .map(rows -> rows.iterator().next().getString(0));
    }

    Uni<Void> delete(Transaction db, String kid) {
        return db.preparedQuery("delete from signing_keys where kid = $1")
                .execute(Tuple.of(kid))
                .replaceWithVoid();
    }

    /** The key signs from {@code now}. */
    Uni<Void> activate(Transaction db, String kid, Instant now) {
        return db.preparedQuery(
                        "update signing_keys set state = 'active', activated_at = $2,"
                                + " activate_at = null where kid = $1")
                .execute(Tuple.of(kid, timestamp(now)))
                .replaceWithVoid();
    }

    /** The key stops signing at {@code now} and is removed {@code removeAfter} later. */
    Uni<Void> retire(Transaction db, String kid, Instant now, Duration removeAfter) {
        return db.preparedQuery(
                        "update signing_keys set state = 'retired', retired_at = $2::timestamptz,"
                                + " remove_at = $2::timestamptz + make_interval(secs => $3) where kid = $1")
                .execute(Tuple.of(kid, timestamp(now), (double) removeAfter.toSeconds()))
                .replaceWithVoid();
    }

    /** A next key signs at {@code at} at the latest. */
    Uni<Void> activateBy(Transaction db, String kid, Instant at) {
        return db.preparedQuery(
                        "update signing_keys set activate_at = least(activate_at, $2) where kid = $1")
                .execute(Tuple.of(kid, timestamp(at)))
                .replaceWithVoid();
    }

    Uni<Void> insert(Transaction db, SigningKey key) {
        byte[] sealed = encryption.seal(key.kid(), key.privateKey().getEncoded());
        SigningKey.Dates dates = key.dates();
        return db.preparedQuery(
                        "insert into signing_keys (kid, algorithm, state, public_jwk, private_key, kek_id,"
                                + " activated_at, activate_at) values ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(
                        Tuple.from(
                                new Object[] {
                                    key.kid(),
                                    key.algorithm(),
                                    stateName(key.state()),
                                    key.publicJwk(),
                                    Buffer.buffer(sealed),
                                    encryption.kekId(),
                                    timestamp(dates.activated()),
                                    timestamp(dates.activateAt())
                                }))
                .replaceWithVoid();
    }

    /** The kids of keys sealed under another KEK than the current one. */
    Uni<List<String>> sealedUnderEarlierKek(Transaction db) {
        return db.preparedQuery("select kid from signing_keys where kek_id <> $1")
                .execute(Tuple.of(encryption.kekId()))
                .map(
                        rows -> {
                            List<String> kids = new ArrayList<>();
                            rows.forEach(row -> kids.add(row.getString(0)));
                            return kids;
                        });
    }

    /** Seals a key again under the current KEK (KEK rotation). */
    Uni<Void> reseal(Transaction db, SigningKey key) {
        byte[] sealed = encryption.seal(key.kid(), key.privateKey().getEncoded());
        return db.preparedQuery(
                        "update signing_keys set private_key = $2, kek_id = $3 where kid = $1")
                .execute(Tuple.of(key.kid(), Buffer.buffer(sealed), encryption.kekId()))
                .replaceWithVoid();
    }

    static String stateName(SigningKey.KeyState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private SigningKey toKey(Row row) {
        String kid = row.getString("kid");
        try {
            PublicKey publicKey =
                    PublicJsonWebKey.Factory.newPublicJwk(row.getString("public_jwk"))
                            .getPublicKey();
            byte[] pkcs8 =
                    encryption.open(
                            kid, row.getString("kek_id"), row.getBuffer("private_key").getBytes());
            PrivateKey privateKey =
                    KeyFactory.getInstance(publicKey.getAlgorithm())
                            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            SigningKey.Dates dates =
                    new SigningKey.Dates(
                            instant(row, "created_at"),
                            instant(row, "activated_at"),
                            instant(row, "activate_at"),
                            instant(row, "retired_at"),
                            instant(row, "remove_at"));
            return KeyGenerator.describe(
                    row.getString("algorithm"),
                    SigningKey.KeyState.valueOf(row.getString("state").toUpperCase(Locale.ROOT)),
                    publicKey,
                    privateKey,
                    dates,
                    kid);
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalStateException("signing key " + kid + " cannot be loaded", e);
        }
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
