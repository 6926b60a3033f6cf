package io.authservice.passwords;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Api;
import io.authservice.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Imported bcrypt hashes and hashes with older Argon2id parameters work, and are replaced on login. */
@QuarkusTest
class HashUpgradeTest {

    @Test
    void anImportedBcryptUserLogsInAndIsRehashed() {
        String username = Api.newUser("bcrypt");
        Db.update("update users set password_hash = ? where username = ?", BcryptTest.U_STAR_U, username);
        Api.login(username, "wrong").then().statusCode(400);
        Api.login(username, "U*U").then().statusCode(200);
        assertCurrent(username);
        Api.login(username, "U*U").then().statusCode(200);
    }

    @Test
    void anOutdatedArgon2idHashIsUpgraded() {
        String username = Api.newUser("argon-old");
        Db.update("update users set password_hash = ? where username = ?", Argon2idTest.REFERENCE, username);
        Api.login(username, "password").then().statusCode(200);
        assertCurrent(username);
        Api.login(username, "password").then().statusCode(200);
    }

    private static void assertCurrent(String username) {
        String hash = (String) Db.value("select password_hash from users where username = ?", username);
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    }
}
