package io.authservice.users;

import io.authservice.config.AuthConfig;
import io.authservice.web.ApiError;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates the administrator at first start from {@code auth.bootstrap-admin.*} when no user has the
 * {@code admin} role. There is no built-in default: without both settings no administrator is made.
 */
@Singleton
class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);
    static final String ADMIN = "admin";

    void onStart(@Observes StartupEvent event, UserRepository users, UserService service, AuthConfig config)
            throws Throwable {
        Optional<String> username = config.bootstrapAdmin().username();
        Optional<String> password = config.bootstrapAdmin().password();
        if (username.isEmpty() || password.isEmpty()) {
            LOG.info("auth.bootstrap-admin.username/password not set: no administrator is created");
            return;
        }
        if (password.get().length() < Passwords.MIN_LENGTH) {
            throw new IllegalStateException("auth.bootstrap-admin.password must have at least "
                    + Passwords.MIN_LENGTH + " characters");
        }
        VertxContextSupport.subscribeAndAwait(() -> users.anyWithRole(ADMIN).chain(exists -> exists
                ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                : service.create(username.get(), password.get(), null, List.of(ADMIN, "user"))
                        .invoke(admin -> LOG.infof("bootstrap administrator %s created", admin.username))
                        .replaceWithVoid()
                        // Replicas starting together: one creates the administrator, the others find it made.
                        .onFailure(e -> e instanceof ApiError api && api.status == 409)
                        .recoverWithUni(() -> users.anyWithRole(ADMIN).invoke(made -> {
                            if (!made) {
                                throw new IllegalStateException("auth.bootstrap-admin.username is taken by a user"
                                        + " who is not an administrator");
                            }
                        }).replaceWithVoid())));
    }
}
