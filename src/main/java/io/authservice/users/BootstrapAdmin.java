package io.authservice.users;

import io.authservice.config.AuthConfig;
import io.authservice.passwords.PasswordHasher;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates the administrator at start from {@code auth.bootstrap-admin.*} when no enabled
 * administrator exists. There is no built-in default: without both settings no administrator is
 * made.
 */
@Singleton
class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);
    static final String ADMIN = "admin";

    void onStart(
            @Observes StartupEvent event,
            Database db,
            UserRepository users,
            UserService service,
            PasswordHasher hasher,
            AuthConfig config)
            throws Throwable {
        Optional<String> username = config.bootstrapAdmin().username();
        Optional<String> password = config.bootstrapAdmin().password();
        if (username.isEmpty() || password.isEmpty()) {
            LOG.info("auth.bootstrap-admin.username/password not set: no administrator is created");
            return;
        }
        if (password.get().length() < Passwords.MIN_LENGTH) {
            throw new IllegalStateException(
                    "auth.bootstrap-admin.password must have at least "
                            + Passwords.MIN_LENGTH
                            + " characters");
        }
        VertxContextSupport.subscribeAndAwait(
                () ->
                        Database.retriedAtStart(
                                users.enabledAdminExists()
                                        .chain(
                                                exists ->
                                                        exists
                                                                ? Uni.createFrom().voidItem()
                                                                : hasher.hash(password.get())
                                                                        // Under the administration
                                                                        // lock: replicas starting
                                                                        // together create one
                                                                        // administrator,
                                                                        // and no administrator can
                                                                        // be disabled meanwhile.
                                                                        .chain(
                                                                                hash ->
                                                                                        db
                                                                                                .inTransaction(
                                                                                                        conn ->
                                                                                                                users.lockAdministration(
                                                                                                                                conn)
                                                                                                                        .chain(
                                                                                                                                () ->
                                                                                                                                        users
                                                                                                                                                .enabledAdminExists(
                                                                                                                                                        conn,
                                                                                                                                                        null))
                                                                                                                        .chain(
                                                                                                                                made ->
                                                                                                                                        made
                                                                                                                                                ? Uni
                                                                                                                                                        .createFrom()
                                                                                                                                                        .voidItem()
                                                                                                                                                : service.insert(
                                                                                                                                                                conn,
                                                                                                                                                                User
                                                                                                                                                                        .create(
                                                                                                                                                                                Usernames
                                                                                                                                                                                        .normalize(
                                                                                                                                                                                                username
                                                                                                                                                                                                        .get()),
                                                                                                                                                                                null,
                                                                                                                                                                                hash,
                                                                                                                                                                                List
                                                                                                                                                                                        .of(
                                                                                                                                                                                                ADMIN,
                                                                                                                                                                                                "user")))
                                                                                                                                                        .invoke(
                                                                                                                                                                created ->
                                                                                                                                                                        LOG
                                                                                                                                                                                .infof(
                                                                                                                                                                                        "bootstrap administrator %s created",
                                                                                                                                                                                        created.username))
                                                                                                                                                        .replaceWithVoid())))
                                                                        .onFailure(
                                                                                e ->
                                                                                        e
                                                                                                        instanceof
                                                                                                        Failure
                                                                                                                failure
                                                                                                && failure.reason
                                                                                                        == Failure
                                                                                                                .Reason
                                                                                                                .USERNAME_TAKEN)
                                                                        .transform(
                                                                                e ->
                                                                                        new IllegalStateException(
                                                                                                "no enabled administrator exists and"
                                                                                                        + " auth.bootstrap-admin.username is taken by another user"))),
                                "bootstrap administrator"));
    }
}
