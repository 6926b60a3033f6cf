package io.authservice.keys;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** Signing keys in PostgreSQL, private parts sealed by {@link KeyEncryption}. */
@Singleton
public class KeyRepository {

    private final Pool pool;
    private final KeyEncryption encryption;

    KeyRepository(Pool pool, KeyEncryption encryption) {
        this.pool = pool;
        this.encryption = encryption;
    }

    Uni<List<SigningKey>> loadAll() {
        return pool.query("select kid, algorithm, state, public_jwk, private_key, kek_id, created_at"
                        + " from signing_keys order by created_at, kid")
                .execute()
                .map(rows -> {
                    List<SigningKey> keys = new ArrayList<>();
                    for (Row row : rows) {
                        keys.add(toKey(row));
                    }
                    return keys;
                });
    }

    /** Inserts a key; false when another replica got there first (one active key at a time). */
    Uni<Boolean> insert(SigningKey key) {
        byte[] sealed = encryption.seal(key.kid(), key.privateKey().getEncoded());
        return pool.preparedQuery("insert into signing_keys"
                        + " (kid, algorithm, state, public_jwk, private_key, kek_id, activated_at)"
                        + " values ($1, $2, $3, $4, $5, $6, case when $3 = 'active' then now() end)"
                        + " on conflict do nothing")
                .execute(Tuple.of(key.kid(), key.algorithm(), key.state().name().toLowerCase(Locale.ROOT),
                        key.publicJwk(), Buffer.buffer(sealed), encryption.kekId()))
                .map(result -> result.rowCount() == 1);
    }

    private SigningKey toKey(Row row) {
        String kid = row.getString("kid");
        try {
            PublicKey publicKey = PublicJsonWebKey.Factory.newPublicJwk(row.getString("public_jwk")).getPublicKey();
            byte[] pkcs8 = encryption.open(kid, row.getString("kek_id"), row.getBuffer("private_key").getBytes());
            PrivateKey privateKey = KeyFactory.getInstance(publicKey.getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return KeyGenerator.describe(row.getString("algorithm"),
                    SigningKey.KeyState.valueOf(row.getString("state").toUpperCase(Locale.ROOT)),
                    publicKey, privateKey, row.getOffsetDateTime("created_at").toInstant(), kid);
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalStateException("signing key " + kid + " cannot be loaded", e);
        }
    }
}
