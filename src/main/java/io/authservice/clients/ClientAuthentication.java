package io.authservice.clients;

import io.authservice.config.AuthConfig;
import io.authservice.platform.BoundedWorker;
import io.authservice.platform.ControlCharacters;
import io.authservice.platform.Failure;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Client authentication at the token, revocation and introspection endpoints: {@code
 * client_secret_basic} (RFC 6749 §2.3.1), {@code client_secret_post}, {@code private_key_jwt} (RFC
 * 7523 §2.2, §3) and {@code none} for public clients. A client uses exactly the method it was
 * registered with; every failure is {@code invalid_client} and counts against {@link
 * ClientThrottle}. Its description is always the same: an unauthenticated caller learns neither
 * whether a client exists nor how it authenticates, and nothing of the JOSE library's reasons (the
 * log has the reason, at DEBUG).
 */
@Singleton
public class ClientAuthentication {

    public static final String JWT_BEARER =
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final String FAILED = "client authentication failed";
    private static final int MAX_ASSERTION_LENGTH = 8192;
    private static final int MAX_JTI_LENGTH = 256;

    /**
     * {@code Ed25519} is RFC 9864's name for EdDSA with Ed25519, which openid-client and
     * oauth4webapi send.
     */
    private static final String[] ASSERTION_ALGORITHMS = {
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "ES256",
        "ES384",
        "ES512",
        "EdDSA",
        Ed25519Signature.NAME
    };

    private static final Logger LOG = Logger.getLogger(ClientAuthentication.class);

    static {
        Ed25519Signature.register();
    }

    /**
     * Reads an assertion's claims to find its client; nothing in it is trusted before the second
     * pass.
     */
    private static final JwtConsumer UNVERIFIED =
            new JwtConsumerBuilder()
                    .setSkipAllValidators()
                    .setDisableRequireSignature()
                    .setSkipSignatureVerification()
                    .build();

    /** What a request presents to authenticate its client; null for what it does not have. */
    public record Presented(
            String authorization,
            String clientId,
            String clientSecret,
            String assertionType,
            String assertion) {}

    private final Clients clients;
    private final ClientRepository repository;
    private final ClientThrottle throttle;
    private final ClientAssertionStore assertions;
    private final String issuer;
    private final int clockSkewSeconds;

    /** Slow signature checks, off the event loop (see {@link #assertionConsumer}). */
    private final BoundedWorker verifier =
            new BoundedWorker("client-assertions", Runtime.getRuntime().availableProcessors(), 256);

    /** A client's assertion verifier and the key set (as registered) it was built from. */
    private record AssertionConsumer(String jwks, JwtConsumer consumer, boolean fast) {}

    private static final int MAX_CACHED_CONSUMERS = 10_000;
    private final Map<String, AssertionConsumer> assertionConsumers = new ConcurrentHashMap<>();

    ClientAuthentication(
            Clients clients,
            ClientRepository repository,
            ClientThrottle throttle,
            ClientAssertionStore assertions,
            AuthConfig config) {
        this.clients = clients;
        this.repository = repository;
        this.throttle = throttle;
        this.assertions = assertions;
        this.issuer = config.issuer();
        this.clockSkewSeconds = (int) config.tokens().clockSkew().toSeconds();
    }

    /**
     * The client a request comes from.
     *
     * @param source the caller's address, for the throttle
     */
    public Uni<Client> authenticate(Presented presented, String source) {
        boolean basic =
                presented.authorization() != null
                        && presented.authorization().regionMatches(true, 0, "Basic ", 0, 6);
        boolean post = presented.clientSecret() != null;
        boolean jwt = presented.assertion() != null || presented.assertionType() != null;
        if ((basic ? 1 : 0) + (post ? 1 : 0) + (jwt ? 1 : 0) > 1) {
            return Uni.createFrom()
                    .failure(
                            Failure.invalidRequest(
                                    "use one client authentication method (RFC 6749 §2.3)"));
        }
        if (basic) {
            String[] credentials = basicCredentials(presented.authorization());
            if (presented.clientId() != null && !presented.clientId().equals(credentials[0])) {
                return Uni.createFrom()
                        .failure(
                                Failure.invalidRequest(
                                        "client_id differs from the client of the Basic credentials"));
            }
            return secret(credentials[0], credentials[1], Client.CLIENT_SECRET_BASIC, source);
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
        if (!JWT_BEARER.equals(presented.assertionType()) || presented.assertion() == null) {
            return Uni.createFrom()
                    .failure(
                            failed(
                                    "client_assertion_type is not jwt-bearer, or no client_assertion"));
        }
        String assertion = presented.assertion();
        JwtContext unverified;
        String clientId;
        try {
            if (assertion.length() > MAX_ASSERTION_LENGTH) {
                throw failed("the client assertion is too long");
            }
            unverified = UNVERIFIED.process(assertion);
            clientId = unverified.getJwtClaims().getSubject();
        } catch (InvalidJwtException | MalformedClaimException e) {
            return Uni.createFrom().failure(failed("the client assertion is not a JWT"));
        }
        if (clientId == null
                || (presented.clientId() != null && !presented.clientId().equals(clientId))) {
            return Uni.createFrom()
                    .failure(failed("the client assertion's sub is not the client_id"));
        }
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
                            AssertionConsumer consumer = assertionConsumer(stored.client());
                            Uni<JwtClaims> verified =
                                    consumer.fast()
                                            ? Uni.createFrom()
                                                    .item(
                                                            () ->
                                                                    verify(
                                                                            unverified,
                                                                            consumer.consumer()))
                                            : verifier.submit(
                                                    () -> verify(unverified, consumer.consumer()));
                            return verified.chain(claims -> spend(clientId, claims))
                                    .replaceWith(stored.client());
                        })
                .onFailure(Failure.class)
                .invoke(
                        e -> {
                            if (e.reason == Failure.Reason.INVALID_CLIENT) {
                                throttle.failed(clientId, source);
                            }
                        })
                .invoke(() -> throttle.succeeded(clientId, source));
    }

    /**
     * The assertion's claims if a key of the client signed it for this server, now (RFC 7523 §3).
     * Its audience is the issuer, as one string (draft-ietf-oauth-rfc7523bis): an assertion made
     * for an endpoint URL or for several audiences could be replayed to another server that shares
     * one.
     */
    private JwtClaims verify(JwtContext unverified, JwtConsumer consumer) {
        try {
            consumer.processContext(unverified);
            if (!(unverified.getJwtClaims().getClaimValue("aud") instanceof String)) {
                throw failed("the client assertion's aud is not a single string");
            }
            return unverified.getJwtClaims();
        } catch (InvalidJwtException e) {
            throw failed("the client assertion is not valid: " + reason(e));
        }
    }

    /**
     * The client's verifier, built once per registered key set: parsing the JWKS and building the
     * consumer cost more than the signature check of a small key. A client whose {@code jwks}
     * changed (on any replica, seen once {@link ClientRepository#cached} reads it again) gets a new
     * one.
     */
    private AssertionConsumer assertionConsumer(Client client) {
        AssertionConsumer known = assertionConsumers.get(client.clientId());
        if (known != null && known.jwks().equals(client.jwks())) {
            return known;
        }
        List<JsonWebKey> jwks;
        try {
            jwks = new JsonWebKeySet(client.jwks()).getJsonWebKeys();
        } catch (JoseException e) {
            throw failed("the client's jwks do not parse");
        }
        JwksVerificationKeyResolver keys = new JwksVerificationKeyResolver(jwks);
        keys.setDisambiguateWithVerifySignature(true);
        JwtConsumer consumer =
                new JwtConsumerBuilder()
                        .setJwsAlgorithmConstraints(ConstraintType.PERMIT, ASSERTION_ALGORITHMS)
                        .setVerificationKeyResolver(keys)
                        .setExpectedIssuer(client.clientId())
                        .setExpectedSubject(client.clientId())
                        .setExpectedAudience(true, issuer)
                        .setRequireExpirationTime()
                        .setMaxFutureValidityInMinutes(5)
                        .setRequireJwtId()
                        .setAllowedClockSkewInSeconds(clockSkewSeconds)
                        .build();
        // RSA with a usual modulus and exponent verifies in tens of microseconds, less than the hop
        // to a worker; ECDSA and Ed25519 (about a millisecond on JDK 17), a huge RSA key or many
        // keys
        // tried in turn (one kid for several) do not.
        boolean fast =
                jwks.size() <= 2
                        && jwks.stream()
                                .allMatch(
                                        key ->
                                                key instanceof RsaJsonWebKey rsa
                                                        && rsa.getRsaPublicKey()
                                                                        .getModulus()
                                                                        .bitLength()
                                                                <= 4096
                                                        && rsa.getRsaPublicKey()
                                                                        .getPublicExponent()
                                                                        .bitLength()
                                                                <= 32);
        AssertionConsumer built = new AssertionConsumer(client.jwks(), consumer, fast);
        if (assertionConsumers.size() >= MAX_CACHED_CONSUMERS) {
            assertionConsumers.clear();
        }
        assertionConsumers.put(client.clientId(), built);
        return built;
    }

    /**
     * Records the assertion's {@code jti}: the first to do so, on any replica, is the only one
     * accepted.
     */
    private Uni<Void> spend(String clientId, JwtClaims claims) {
        String jti;
        Instant expires;
        try {
            jti = claims.getJwtId();
            expires = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
        } catch (MalformedClaimException e) {
            return Uni.createFrom()
                    .failure(failed("the client assertion's jti or exp is malformed"));
        }
        if (jti.isEmpty() || jti.length() > MAX_JTI_LENGTH || ControlCharacters.in(jti)) {
            return Uni.createFrom().failure(failed("the client assertion's jti is not acceptable"));
        }
        return assertions
                .recordFirstUse(clientId, jti, expires.plusSeconds(clockSkewSeconds))
                .map(
                        first -> {
                            if (!first) {
                                throw failed("the client assertion was used before (jti)");
                            }
                            return null;
                        });
    }

    /**
     * RFC 6749 §2.3.1: id and secret are each form-url-encoded, then joined by a colon and
     * base64-encoded.
     */
    private static String[] basicCredentials(String authorization) {
        try {
            byte[] decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
            String pair =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(decoded))
                            .toString();
            int colon = pair.indexOf(':');
            if (colon < 1) {
                throw failed("the Basic credentials are not client_id:client_secret");
            }
            String id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            if (id.isEmpty() || secret.isEmpty() || ControlCharacters.in(id + secret)) {
                throw failed("the Basic credentials are not client_id:client_secret");
            }
            return new String[] {id, secret};
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw failed("the Basic credentials are not base64 of form-url-encoded id and secret");
        }
    }

    /** Which checks failed, by jose4j's codes: its messages may quote the assertion. */
    private static String reason(Exception e) {
        if (e instanceof InvalidJwtException invalid && !invalid.getErrorDetails().isEmpty()) {
            return "error codes "
                    + invalid.getErrorDetails().stream()
                            .map(d -> String.valueOf(d.getErrorCode()))
                            .toList();
        }
        return "its keys or signature do not verify";
    }

    /** {@code invalid_client}, saying nothing of why; the reason goes to the log. */
    private static Failure failed(String reason) {
        LOG.debugf("client authentication failed: %s", reason);
        return new Failure(Failure.Reason.INVALID_CLIENT, FAILED);
    }

    @PreDestroy
    void close() {
        verifier.close();
    }

    public static List<String> assertionAlgorithms() {
        return List.of(ASSERTION_ALGORITHMS);
    }
}
