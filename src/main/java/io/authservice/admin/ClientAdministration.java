package io.authservice.admin;

import io.authservice.clients.Client;
import io.authservice.clients.ClientMetadata;
import io.authservice.clients.ClientRepository;
import io.authservice.clients.ClientSecrets;
import io.authservice.clients.Clients;
import io.authservice.clients.CorsOrigins;
import io.authservice.config.ClientsConfig;
import io.authservice.config.TokensConfig;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.DatabaseError;
import io.authservice.sessions.SessionStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What administrators do with clients (/admin/clients): each use case one transaction, opened here
 * and passed on to the stores.
 */
@Singleton
public class ClientAdministration {

    /**
     * A client and, when one was made for this answer, its new secret (shown once, never stored).
     */
    public record WithSecret(Client client, String secret) {}

    private final ClientRepository repository;
    private final SessionStore sessionStore;
    private final Database database;
    private final Clients clients;
    private final List<String> defaultScope;
    private final List<String> defaultAudience;
    private final Duration secretOverlap;
    private final CorsOrigins corsOrigins;
    private final SecureRandom random = new SecureRandom();

    ClientAdministration(
            ClientRepository repository,
            SessionStore sessionStore,
            Database database,
            Clients clients,
            CorsOrigins corsOrigins,
            TokensConfig tokensConfig,
            ClientsConfig clientsConfig) {
        this.corsOrigins = corsOrigins;
        this.repository = repository;
        this.sessionStore = sessionStore;
        this.database = database;
        this.clients = clients;
        this.defaultScope = List.copyOf(tokensConfig.tokens().scopes());
        this.defaultAudience = List.copyOf(tokensConfig.tokens().audience());
        this.secretOverlap = clientsConfig.clients().secretOverlap();
    }

    /** Registers a client; the id is the one asked for, or a random one. */
    public Uni<WithSecret> register(ClientMetadata metadata) {
        String clientId = metadata.clientId() == null ? newClientId() : metadata.clientId();
        ClientMetadata.checkClientId(clientId);
        if (clientId.equals(clients.firstPartyId())) {
            throw taken();
        }
        Client client =
                metadata.validate(
                        clientId,
                        Instant.now().truncatedTo(ChronoUnit.MICROS),
                        defaultScope,
                        defaultAudience);
        String secret = client.usesSecret() ? ClientSecrets.generate(random) : null;
        return database.inTransaction(
                        conn ->
                                repository.insert(
                                        conn,
                                        client,
                                        secret == null ? null : ClientSecrets.hash(secret)))
                .onFailure(ClientAdministration::duplicate)
                .transform(e -> taken())
                .call(() -> changed(clientId))
                .map(done -> new WithSecret(client, secret));
    }

    /** 128 random bits, base64url: never of a user id's (UUID) form. */
    private String newClientId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public Uni<List<Client>> list() {
        return repository.list();
    }

    public Uni<Client> read(String clientId) {
        return repository
                .find(clientId)
                .map(
                        stored -> {
                            if (stored == null) {
                                throw notFound();
                            }
                            return stored.client();
                        });
    }

    /**
     * Replaces the metadata; a client that now needs a secret and had none gets one (in the
     * answer).
     */
    public Uni<WithSecret> replace(String clientId, ClientMetadata metadata) {
        if (metadata.clientId() != null && !metadata.clientId().equals(clientId)) {
            throw ClientMetadata.invalid("client_id in the body differs from the one in the path");
        }
        return database.inTransaction(
                        conn ->
                                repository
                                        .find(conn, clientId)
                                        .chain(
                                                stored -> {
                                                    if (stored == null) {
                                                        throw notFound();
                                                    }
                                                    Client client =
                                                            metadata.validate(
                                                                    clientId,
                                                                    stored.client().createdAt(),
                                                                    defaultScope,
                                                                    defaultAudience);
                                                    String secret =
                                                            client.usesSecret()
                                                                            && stored.secretHash()
                                                                                    == null
                                                                    ? ClientSecrets.generate(random)
                                                                    : null;
                                                    return repository
                                                            .replace(
                                                                    conn,
                                                                    client,
                                                                    secret == null
                                                                            ? null
                                                                            : ClientSecrets.hash(
                                                                                    secret))
                                                            .map(
                                                                    saved ->
                                                                            new WithSecret(
                                                                                    saved, secret));
                                                }))
                .call(() -> changed(clientId));
    }

    /** Deletes a client and ends its sessions, together. */
    public Uni<Integer> delete(String clientId) {
        return database.inTransaction(
                        conn ->
                                repository
                                        .delete(conn, clientId)
                                        .chain(
                                                deleted -> {
                                                    if (!deleted) {
                                                        throw notFound();
                                                    }
                                                    return sessionStore.revokeAllOfClient(
                                                            conn, clientId, "client_deleted");
                                                }))
                .call(() -> changed(clientId));
    }

    /**
     * A new secret; the one it replaces keeps working for {@code auth.clients.secret-overlap} when
     * {@code keepPrevious}, and stops at once otherwise (a leaked secret).
     */
    public Uni<WithSecret> rotateSecret(String clientId, boolean keepPrevious) {
        String secret = ClientSecrets.generate(random);
        return repository
                .rotateSecret(
                        clientId,
                        ClientSecrets.hash(secret),
                        keepPrevious ? secretOverlap : Duration.ZERO)
                .call(() -> changed(clientId))
                .chain(
                        client ->
                                client != null
                                        ? Uni.createFrom().item(new WithSecret(client, secret))
                                        : read(clientId)
                                                .map(
                                                        found -> {
                                                            throw Failure.invalidRequest(
                                                                    "this client has no secret: it authenticates with "
                                                                            + found
                                                                                    .tokenEndpointAuthMethod());
                                                        }));
    }

    /** Ends a rotation's overlap now: only the current secret works. */
    public Uni<Void> dropPreviousSecret(String clientId) {
        return repository
                .dropPreviousSecret(clientId)
                .invoke(
                        found -> {
                            if (!found) {
                                throw notFound();
                            }
                        })
                .call(() -> changed(clientId))
                .replaceWithVoid();
    }

    /**
     * This replica's client cache and CORS origins follow a committed change at once (others within
     * auth.clients.cache-ttl and auth.cors.refresh-interval); a failed reload of the origins only
     * leaves that to the next poll.
     */
    private Uni<Void> changed(String clientId) {
        repository.forget(clientId);
        return corsOrigins.reload().onFailure().recoverWithNull();
    }

    private static boolean duplicate(Throwable e) {
        return DatabaseError.of(e) == DatabaseError.DUPLICATE;
    }

    private static Failure taken() {
        return new Failure(Failure.Reason.CLIENT_ID_TAKEN, "a client with this client_id exists");
    }

    private static Failure notFound() {
        return new Failure(Failure.Reason.NOT_FOUND, "no such client");
    }
}
