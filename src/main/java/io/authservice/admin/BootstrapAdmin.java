package io.authservice.admin;

import io.authservice.config.UsersConfig;
import io.authservice.passwords.PasswordHasher;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.users.PasswordPolicy;
import io.authservice.users.User;
import io.authservice.users.UserRepository;
import io.authservice.users.Usernames;
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

    void onStart(
            @Observes StartupEvent event,
            Database db,
            UserRepository users,
            PasswordHasher hasher,
            UsersConfig config)
            throws Throwable {
        Optional<String> username = config.bootstrapAdmin().username();
        Optional<String> password = config.bootstrapAdmin().password();
        if (username.isEmpty() || password.isEmpty()) {
            LOG.info("auth.bootstrap-admin.username/password not set: no administrator is created");
            return;
        }
        if (password.get().length() < PasswordPolicy.MIN_LENGTH) {
            throw new IllegalStateException(
                    "auth.bootstrap-admin.password must have at least "
                            + PasswordPolicy.MIN_LENGTH
                            + " characters");
        }
        String name = Usernames.normalize(username.get());
        VertxContextSupport.subscribeAndAwait(
                () ->
                        Database.retriedAtStart(
                                users.enabledAdminExists()
                                        .chain(
                                                exists ->
                                                        exists
                                                                ? Uni.createFrom().voidItem()
                                                                : hasher.hash(password.get())
                                                                        .chain(
                                                                                hash ->
                                                                                        create(
                                                                                                db,
                                                                                                users,
                                                                                                name,
                                                                                                hash))),
                                "bootstrap administrator"));
    }

    /**
     * Under the administration lock: replicas starting together create one administrator, and no
     * administrator can be disabled meanwhile.
     */
    private static Uni<Void> create(Database db, UserRepository users, String name, String hash) {
        return db.inTransaction(
                        conn ->
                                users.lockAdministration(conn)
                                        .chain(() -> users.enabledAdminExists(conn, null))
                                        .chain(
                                                made ->
                                                        made
                                                                ? Uni.createFrom().voidItem()
                                                                : users.insert(
                                                                                conn,
                                                                                User.create(
                                                                                        name,
                                                                                        null,
                                                                                        hash,
                                                                                        List.of(
                                                                                                User
                                                                                                        .ADMIN,
                                                                                                "user")))
                                                                        .invoke(
                                                                                created ->
                                                                                        LOG.infof(
                                                                                                "bootstrap administrator %s created",
                                                                                                created.username))
                                                                        .replaceWithVoid()))
                .onFailure(
                        e ->
                                e instanceof Failure failure
                                        && failure.reason == Failure.Reason.USERNAME_TAKEN)
                .transform(
                        e ->
                                new IllegalStateException(
                                        "no enabled administrator exists and"
                                                + " auth.bootstrap-admin.username is taken by another user"));
    }
}
