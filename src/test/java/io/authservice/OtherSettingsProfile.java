package io.authservice;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Settings other than %test's that do not get in each other's way, for the tests that need one of
 * them: one profile is one start of the application, so they share it rather than each having its
 * own. Access tokens say {@code typ: at+jwt} and registration is closed (AtJwtProfileTest); a
 * replica reads a client again only after 3 s (ClientCacheTest: it registers clients as the
 * administrator, whose tokens are then at+jwt, and registers no users).
 */
public class OtherSettingsProfile implements QuarkusTestProfile {

    /** How long a replica authenticates a client from its last reading. */
    public static final String CLIENT_CACHE_TTL = "PT3S";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "auth.tokens.access-token-typ", "at+jwt",
                "auth.registration.enabled", "false",
                "auth.clients.cache-ttl", CLIENT_CACHE_TTL);
    }
}
