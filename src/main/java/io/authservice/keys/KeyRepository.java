package io.authservice.keys;

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

    private final KeyEncryption encryption;

    KeyRepository(KeyEncryption encryption) {
        this.encryption = encryption;
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

    /** A cheap digest of the key rows, to notice changes made by other replicas. */
    Uni<String> fingerprint(Transaction db) {
        return db.query(
                        "select coalesce(string_agg(kid || ':' || state || ':' || kek_id, ',' order by kid), '')"
                                + " from signing_keys")
                .execute()
                .map(rows -> rows.iterator().next().getString(0));
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

    static OffsetDateTime timestamp(Instant instant) {
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
