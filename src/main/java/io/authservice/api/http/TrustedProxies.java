package io.authservice.api.http;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Quarkus' own forwarded-header support stays off: it would let clients choose the scheme, host and
 * address it reports, and it leaves a request with an empty {@code X-Forwarded-For} entry
 * unanswered. {@link SourceAddress} reads {@code X-Forwarded-For} from {@code auth.trusted-proxies}
 * instead.
 */
@Singleton
class TrustedProxies {

    private final boolean quarkusForwarding;

    TrustedProxies(
            @ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding")
                    boolean quarkusForwarding) {
        this.quarkusForwarding = quarkusForwarding;
    }

    void check(@Observes StartupEvent start) {
        if (quarkusForwarding) {
            throw new IllegalStateException(
                    "quarkus.http.proxy.proxy-address-forwarding must stay false: "
                            + "list the proxies whose X-Forwarded-For counts in auth.trusted-proxies");
        }
    }
}
