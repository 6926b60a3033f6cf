package io.authservice.clients;

import io.authservice.config.ClientsConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The origins that get CORS answers: {@code auth.cors.origins} and every public client's {@code
 * allowed_cors_origins}, held in memory so that no request costs a database read. Each replica
 * reloads the registered ones every {@code auth.cors.refresh-interval}, and at once after a change
 * through {@code /admin/clients} on this replica; another replica sees it within that interval.
 * While the database does not answer, the last set read stays in force.
 */
@Singleton
public class CorsOrigins {

    private static final Logger LOG = Logger.getLogger(CorsOrigins.class);

    private final ClientRepository repository;
    private final Set<String> configured;
    private volatile Set<String> allowed;

    CorsOrigins(ClientRepository repository, ClientsConfig config) {
        this.repository = repository;
        Set<String> origins = new HashSet<>();
        for (String value : config.cors().origins().orElse(List.of())) {
            if (!value.isBlank()) {
                origins.add(
                        ClientMetadata.origin(value.trim())
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "auth.cors.origins: not an origin (scheme://host[:port], http or https): "
                                                                + value)));
            }
        }
        this.configured = Set.copyOf(origins);
        this.allowed = configured;
    }

    /** A start does not fail for these: until a read succeeds, only auth.cors.origins count. */
    void onStart(@Observes StartupEvent event) {
        try {
            reload().onFailure().retry().atMost(2).await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "CORS origins of the clients not read at start, next try in the poll: %s",
                    e.getMessage());
        }
    }

    @Scheduled(
            every = "${auth.cors.refresh-interval}",
            delayed = "${auth.cors.refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return reload().onFailure()
                .invoke(
                        e ->
                                LOG.warnf(
                                        "CORS origins of the clients not reloaded: %s",
                                        e.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    /**
     * Reads the registered clients' origins again; the set in force changes when this completes.
     */
    public Uni<Void> reload() {
        return repository
                .corsOrigins()
                .invoke(
                        registered -> {
                            Set<String> union = new HashSet<>(configured);
                            union.addAll(registered);
                            allowed = Set.copyOf(union);
                        })
                .replaceWithVoid();
    }

    /** Whether an {@code Origin} header's value gets CORS answers. */
    public boolean allows(String origin) {
        return origin != null && allowed.contains(origin);
    }
}
