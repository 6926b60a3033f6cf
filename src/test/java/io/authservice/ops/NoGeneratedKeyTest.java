package io.authservice.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * smallrye-jwt's dev helper, when no key property is set, generates an RSA key pair in dev and test
 * and passes it as configuration, which quarkus:run prints on its command line
 * (-Dsmallrye.jwt.sign.key=...). The service uses its own keys, so no such key may reach the
 * configuration.
 */
@QuarkusTest
class NoGeneratedKeyTest {

    @Test
    void noGeneratedKeyInTheConfiguration() {
        for (String property : List.of("smallrye.jwt.sign.key", "mp.jwt.verify.publickey")) {
            String value =
                    ConfigProvider.getConfig()
                            .getOptionalValue(property, String.class)
                            .orElse("NONE");
            assertTrue(value.equals("NONE"), property + " holds a generated key");
        }
    }
}
