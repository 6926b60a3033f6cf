package io.authservice;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The service's active signing key, read from the database and opened with the test KEK, so tests
 * can mint tokens that are correctly signed but wrong in one other way.
 */
public final class TestKeys {

    public record Active(String kid, PrivateKey privateKey, byte[] sealed) {}

    private TestKeys() {}

    public static Active active() {
        try (Connection c = Db.connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "select kid, private_key from signing_keys where state = 'active'");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            String kid = rs.getString(1);
            byte[] sealed = rs.getBytes(2);
            byte[] kek =
                    Base64.getDecoder()
                            .decode(
                                    ConfigProvider.getConfig()
                                            .getValue("auth.keys.encryption-key", String.class));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(kek, "AES"),
                    new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] pkcs8 = cipher.doFinal(sealed, 12, sealed.length - 12);
            PrivateKey key =
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new Active(kid, key, sealed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
