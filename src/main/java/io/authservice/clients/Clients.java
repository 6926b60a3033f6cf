package io.authservice.clients;

import io.authservice.config.ClientsConfig;
import io.authservice.config.TokensConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Finds clients by id for the grants and endpoints: the configured first-party public client, or a
 * registered one ({@link ClientRepository}, through its cache); never their secrets.
 */
@Singleton
public class Clients {

    private final ClientRepository repository;
    private final Client firstParty;

    Clients(ClientRepository repository, ClientsConfig clientsConfig, TokensConfig tokensConfig) {
        this.repository = repository;
        this.firstParty =
                new Client(
                        clientsConfig.publicClientId(),
                        clientsConfig.publicClientId(),
                        Set.of(Client.PASSWORD, Client.REFRESH_TOKEN),
                        Client.NONE,
                        List.copyOf(tokensConfig.tokens().scopes()),
                        List.copyOf(tokensConfig.tokens().audience()),
                        null,
                        List.of(),
                        Client.BODY,
                        null,
                        false,
                        Instant.EPOCH);
    }

    public String firstPartyId() {
        return firstParty.clientId();
    }

    public Client firstParty() {
        return firstParty;
    }

    /** The client with this id, or null. */
    public Uni<Client> find(String clientId) {
        if (firstParty.clientId().equals(clientId)) {
            return Uni.createFrom().item(firstParty);
        }
        return repository.cached(clientId).map(stored -> stored == null ? null : stored.client());
    }
}
