package io.authservice.clients;

import io.authservice.platform.Failure;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Client authentication at the token, revocation and introspection endpoints: {@code
 * client_secret_basic} (RFC 6749 §2.3.1), {@code client_secret_post}, {@code private_key_jwt} (RFC
 * 7523 §2.2, §3) and {@code none} for public clients. A client uses exactly the method it was
 * registered with; every failure is {@code invalid_client} and counts against {@link
 * ClientThrottle}. Assertions are checked by {@link ClientAssertions}; this class chooses the
 * method and checks secrets. Its description is always the same: an unauthenticated caller learns
 * neither whether a client exists nor how it authenticates, and nothing of the JOSE library's
 * reasons (the log has the reason, at DEBUG).
 */
@Singleton
public class ClientAuthentication {

    private static final String FAILED = "client authentication failed";
    private static final Logger LOG = Logger.getLogger(ClientAuthentication.class);

    /**
     * What a request presents to authenticate its client; null for what it does not have.
     *
     * @param basic the credentials of an HTTP Basic {@code Authorization} header
     */
    public record Presented(
            Basic basic,
            String clientId,
            String clientSecret,
            String assertionType,
            String assertion) {}

    /**
     * The client_id and secret of an HTTP Basic {@code Authorization} header (RFC 6749 §2.3.1),
     * decoded, or why they could not be ({@code unreadable}, for the log).
     */
    public record Basic(String clientId, String secret, String unreadable) {

        public static Basic of(String clientId, String secret) {
            return new Basic(clientId, secret, null);
        }

        public static Basic unreadable(String why) {
            return new Basic(null, null, why);
        }
    }

    private final Clients clients;
    private final ClientRepository repository;
    private final ClientThrottle throttle;
    private final ClientAssertions assertions;

    ClientAuthentication(
            Clients clients,
            ClientRepository repository,
            ClientThrottle throttle,
            ClientAssertions assertions) {
        this.clients = clients;
        this.repository = repository;
        this.throttle = throttle;
        this.assertions = assertions;
    }

    /**
     * The client a request comes from.
     *
     * @param source the caller's address, for the throttle
     */
    public Uni<Client> authenticate(Presented presented, String source) {
        boolean basic = presented.basic() != null;
        boolean post = presented.clientSecret() != null;
        boolean jwt = presented.assertion() != null || presented.assertionType() != null;
        if ((basic ? 1 : 0) + (post ? 1 : 0) + (jwt ? 1 : 0) > 1) {
            return Uni.createFrom()
                    .failure(
                            Failure.invalidRequest(
                                    "use one client authentication method (RFC 6749 §2.3)"));
        }
        if (basic) {
            Basic credentials = presented.basic();
            if (credentials.unreadable() != null) {
                throw failed(credentials.unreadable());
            }
            if (presented.clientId() != null
                    && !presented.clientId().equals(credentials.clientId())) {
                return Uni.createFrom()
                        .failure(
                                Failure.invalidRequest(
                                        "client_id differs from the client of the Basic credentials"));
            }
            return secret(
                    credentials.clientId(),
                    credentials.secret(),
                    Client.CLIENT_SECRET_BASIC,
                    source);
        }
        if (post) {
            if (presented.clientId() == null) {
                return Uni.createFrom().failure(failed("client_secret without client_id"));
            }
            return secret(
                    presented.clientId(),
                    presented.clientSecret(),
                    Client.CLIENT_SECRET_POST,
                    source);
        }
        if (jwt) {
            return assertion(presented, source);
        }
        return publicClient(
                presented.clientId() == null ? clients.firstPartyId() : presented.clientId());
    }

    private Uni<Client> publicClient(String clientId) {
        return clients.find(clientId)
                .map(
                        client -> {
                            if (client == null || client.confidential()) {
                                throw failed(
                                        client == null
                                                ? "no such public client"
                                                : "a confidential client without credentials");
                            }
                            return client;
                        });
    }

    private Uni<Client> secret(String clientId, String secret, String method, String source) {
        throttle.check(clientId, source);
        return repository
                .cached(clientId)
                .map(
                        stored -> {
                            byte[] current = stored == null ? null : stored.secretHash();
                            byte[] previous = stored == null ? null : stored.previousSecretHash();
                            // Both compared, always: the time taken does not tell which one
                            // matched, if any.
                            boolean matched =
                                    ClientSecrets.matches(secret, current)
                                            | ClientSecrets.matches(secret, previous);
                            if (!matched
                                    || !stored.client().tokenEndpointAuthMethod().equals(method)) {
                                throttle.failed(clientId, source);
                                throw failed(
                                        matched
                                                ? "a secret sent with another method than the client's"
                                                : "no such client or secret");
                            }
                            throttle.succeeded(clientId, source);
                            return stored.client();
                        });
    }

    private Uni<Client> assertion(Presented presented, String source) {
        ClientAssertions.Unverified assertion;
        try {
            assertion =
                    assertions.read(
                            presented.assertionType(), presented.assertion(), presented.clientId());
        } catch (Failure e) {
            return Uni.createFrom().failure(e);
        }
        String clientId = assertion.clientId();
        throttle.check(clientId, source);
        return repository
                .cached(clientId)
                .chain(
                        stored -> {
                            if (stored == null
                                    || !Client.PRIVATE_KEY_JWT.equals(
                                            stored.client().tokenEndpointAuthMethod())) {
                                throw failed("no such private_key_jwt client");
                            }
                            return assertions
                                    .verify(stored.client(), assertion)
                                    .replaceWith(stored.client());
                        })
                .onFailure(Failure.class)
                .invoke(
                        e -> {
                            // A refusal of the credentials counts, by its reason; a transient
                            // failure does not.
                            if (e.reason == Failure.Reason.INVALID_CLIENT) {
                                throttle.failed(clientId, source);
                            }
                        })
                .invoke(() -> throttle.succeeded(clientId, source));
    }

    /** {@code invalid_client}, saying nothing of why; the reason goes to the log. */
    static Failure failed(String reason) {
        LOG.debugf("client authentication failed: %s", reason);
        return new Failure(Failure.Reason.INVALID_CLIENT, FAILED);
    }
}
