package io.authservice.clients;

import static io.authservice.clients.ClientAuthentication.failed;

import io.authservice.config.TokensConfig;
import io.authservice.platform.BoundedWorker;
import io.authservice.platform.ControlCharacters;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code private_key_jwt} (RFC 7523 §2.2, §3): a client assertion signed by one of the client's
 * registered keys, for this server, used once. Every refusal is {@link ClientAuthentication}'s
 * {@code invalid_client}.
 */
@Singleton
public class ClientAssertions {

    public static final String JWT_BEARER =
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final int MAX_ASSERTION_LENGTH = 8192;
    private static final int MAX_JTI_LENGTH = 256;

    /**
     * {@code Ed25519} is RFC 9864's name for EdDSA with Ed25519, which openid-client and
     * oauth4webapi send.
     */
    private static final String[] ALGORITHMS = {
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

    /** An assertion parsed but not yet verified, and the client it names (its {@code sub}). */
    record Unverified(String clientId, JwtContext jwt) {}

    private final ClientAssertionStore store;
    private final String issuer;
    private final int clockSkewSeconds;

    /** Slow signature checks, off the event loop (see {@link #consumer}). */
    private final BoundedWorker verifier =
            new BoundedWorker("client-assertions", Runtime.getRuntime().availableProcessors(), 256);

    /** A client's assertion verifier and the key set (as registered) it was built from. */
    private record Consumer(String jwks, JwtConsumer consumer, boolean fast) {}

    private static final int MAX_CACHED_CONSUMERS = 10_000;
    private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();

    ClientAssertions(ClientAssertionStore store, TokensConfig config) {
        this.store = store;
        this.issuer = config.issuer();
        this.clockSkewSeconds = (int) config.tokens().clockSkew().toSeconds();
    }

    /**
     * The assertion of a request and the client it names, before anything in it is checked.
     *
     * @param clientId the request's {@code client_id}, or null; if given, it must be the {@code
     *     sub}
     */
    Unverified read(String assertionType, String assertion, String clientId) {
        if (!JWT_BEARER.equals(assertionType) || assertion == null) {
            throw failed("client_assertion_type is not jwt-bearer, or no client_assertion");
        }
        JwtContext unverified;
        String subject;
        try {
            if (assertion.length() > MAX_ASSERTION_LENGTH) {
                throw failed("the client assertion is too long");
            }
            unverified = UNVERIFIED.process(assertion);
            subject = unverified.getJwtClaims().getSubject();
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw failed("the client assertion is not a JWT");
        }
        if (subject == null || (clientId != null && !clientId.equals(subject))) {
            throw failed("the client assertion's sub is not the client_id");
        }
        return new Unverified(subject, unverified);
    }

    /**
     * Succeeds if a key of {@code client} signed the assertion for this server, now, and it was not
     * used before.
     */
    Uni<Void> verify(Client client, Unverified assertion) {
        Consumer consumer = consumer(client);
        Uni<JwtClaims> verified =
                consumer.fast()
                        ? Uni.createFrom().item(() -> claims(assertion.jwt(), consumer.consumer()))
                        : verifier.submit(() -> claims(assertion.jwt(), consumer.consumer()));
        return verified.chain(claims -> spend(client.clientId(), claims));
    }

    /**
     * The assertion's claims if they verify (RFC 7523 §3). Its audience is the issuer, as one
     * string (draft-ietf-oauth-rfc7523bis): an assertion made for an endpoint URL or for several
     * audiences could be replayed to another server that shares one.
     */
    private static JwtClaims claims(JwtContext unverified, JwtConsumer consumer) {
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
    private Consumer consumer(Client client) {
        Consumer known = consumers.get(client.clientId());
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
                        .setJwsAlgorithmConstraints(ConstraintType.PERMIT, ALGORITHMS)
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
        // keys tried in turn (one kid for several) do not.
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
        Consumer built = new Consumer(client.jwks(), consumer, fast);
        if (consumers.size() >= MAX_CACHED_CONSUMERS) {
            consumers.clear();
        }
        consumers.put(client.clientId(), built);
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
        return store.recordFirstUse(clientId, jti, expires.plusSeconds(clockSkewSeconds))
                .map(
                        first -> {
                            if (!first) {
                                throw failed("the client assertion was used before (jti)");
                            }
                            return null;
                        });
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

    @PreDestroy
    void close() {
        verifier.close();
    }

    /** The signature algorithms an assertion may use (for the metadata). */
    public static List<String> algorithms() {
        return List.of(ALGORITHMS);
    }
}
