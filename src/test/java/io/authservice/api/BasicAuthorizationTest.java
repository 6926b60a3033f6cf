package io.authservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.authservice.clients.ClientAuthentication.Basic;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The Basic credentials reader (RFC 6749 §2.3.1), without the service. */
class BasicAuthorizationTest {

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void idAndSecretAreEachFormUrlDecoded() {
        Basic read = BasicAuthorization.read(basic("svc%3Aa%2Bb+c:s%25e+t"));
        assertEquals(Basic.of("svc:a+b c", "s%e t"), read);
    }

    @Test
    void theSchemeIsCaseInsensitiveAndOtherSchemesAreNotBasic() {
        assertEquals(
                Basic.of("a", "b"), BasicAuthorization.read("bAsIc " + basic("a:b").substring(6)));
        assertNull(BasicAuthorization.read(null));
        assertNull(BasicAuthorization.read("Bearer abc"));
    }

    @Test
    void credentialsThatDoNotDecodeAreUnreadableNotAbsent() {
        for (String header :
                new String[] {
                    "Basic !!!",
                    basic("no-colon"),
                    basic(":secret"),
                    basic("id:"),
                    basic("id:%0A"),
                    "Basic "
                            + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xC3})
                }) {
            Basic read = BasicAuthorization.read(header);
            assertNotNull(read, header);
            assertNotNull(read.unreadable(), header);
            assertNull(read.clientId(), header);
        }
    }
}
