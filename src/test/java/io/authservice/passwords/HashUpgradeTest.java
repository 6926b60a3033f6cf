package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.spec.EncryptablePasswordSpec;
import org.wildfly.security.password.spec.IteratedSaltedPasswordAlgorithmSpec;
import org.wildfly.security.password.util.ModularCrypt;

/**
 * Imported bcrypt hashes and hashes with older Argon2id parameters work, and are replaced on login.
 */
@QuarkusTest
class HashUpgradeTest {

    @Test
    void anImportedBcryptUserLogsInAndIsRehashed() {
        String username = Api.newUser("bcrypt");
        Db.update(
                "update users set password_hash = ? where username = ?",
                BcryptTest.U_STAR_U,
                username);
        Api.login(username, "wrong").then().statusCode(400);
        Api.login(username, "U*U").then().statusCode(200);
        assertCurrent(username);
        Api.login(username, "U*U").then().statusCode(200);
    }

    /**
     * bcrypt ignores bytes beyond 72: a guess with the right 72-byte prefix matches. It must not
     * become the password by the upgrade to Argon2id; the owner's real, longer password keeps
     * working.
     */
    @Test
    void aBcryptMatchBeyond72BytesIsNotRehashed() throws Exception {
        String username = Api.newUser("bcrypt-long");
        String real = "a-long-passphrase-".repeat(4) + "that-goes-on"; // 84 bytes
        String guess = real.substring(0, 72) + "-the-attacker-s-own-ending";
        PasswordFactory factory =
                PasswordFactory.getInstance(
                        BCryptPassword.ALGORITHM_BCRYPT,
                        WildFlyElytronPasswordProvider.getInstance());
        String hash =
                ModularCrypt.encodeAsString(
                        factory.generatePassword(
                                new EncryptablePasswordSpec(
                                        real.toCharArray(),
                                        new IteratedSaltedPasswordAlgorithmSpec(5, new byte[16]))));
        Db.update("update users set password_hash = ? where username = ?", hash, username);
        Api.login(username, guess).then().statusCode(200);
        Api.login(username, real).then().statusCode(200);
        assertEquals(
                hash, Db.value("select password_hash from users where username = ?", username));
    }

    @Test
    void anOutdatedArgon2idHashIsUpgraded() {
        String username = Api.newUser("argon-old");
        Db.update(
                "update users set password_hash = ? where username = ?",
                Argon2idTest.REFERENCE,
                username);
        Api.login(username, "password").then().statusCode(200);
        assertCurrent(username);
        Api.login(username, "password").then().statusCode(200);
    }

    private static void assertCurrent(String username) {
        String hash =
                (String) Db.value("select password_hash from users where username = ?", username);
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    }
}
