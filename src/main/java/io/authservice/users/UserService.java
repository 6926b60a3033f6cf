package io.authservice.users;

import io.authservice.config.AuthConfig;
import io.authservice.passwords.HashingShare;
import io.authservice.passwords.LoginThrottle;
import io.authservice.passwords.PasswordHasher;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.DatabaseError;
import io.authservice.platform.db.Transaction;
import io.authservice.sessions.SessionStore;
import io.authservice.sessions.Sessions;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Registration, profile and password change. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);
    static final List<String> DEFAULT_ROLES = List.of("user");

    private final Database db;
    private final UserRepository users;
    private final HashingShare hashing;
    private final LoginThrottle throttle;
    private final Sessions sessions;
    private final SessionStore sessionStore;
    private final Audit audit;
    private final AuthConfig config;

    UserService(
            Database db,
            UserRepository users,
            HashingShare hashing,
            LoginThrottle throttle,
            Sessions sessions,
            SessionStore sessionStore,
            Audit audit,
            AuthConfig config) {
        this.db = db;
        this.audit = audit;
        this.users = users;
        this.hashing = hashing;
        this.throttle = throttle;
        this.sessions = sessions;
        this.sessionStore = sessionStore;
        this.config = config;
    }

    /**
     * @param source the caller's address: its share of the hashing pool, and the audit log
     */
    public Uni<User> register(NewUser request, String source) {
        if (!config.registration().enabled()) {
            return Uni.createFrom()
                    .failure(
                            new Failure(
                                    Failure.Reason.REGISTRATION_DISABLED,
                                    "registration is not open"));
        }
        return create(
                request.username(), request.password(), request.email(), DEFAULT_ROLES, source);
    }

    Uni<User> create(
            String username, String password, String email, List<String> roles, String source) {
        String normalized = Usernames.normalize(username);
        return users.usernameTaken(normalized)
                .chain(
                        taken ->
                                taken
                                        ? Uni.createFrom().failure(usernameTaken())
                                        : hashing.hash(source, password))
                .chain(
                        hash ->
                                db.inTransaction(
                                        conn ->
                                                insert(
                                                        conn,
                                                        User.create(
                                                                normalized,
                                                                email == null
                                                                        ? null
                                                                        : email.strip(),
                                                                hash,
                                                                roles))));
    }

    /**
     * Adds a user in the caller's transaction; a taken username fails with {@code username_taken}.
     */
    Uni<User> insert(Transaction conn, User user) {
        return users.insert(conn, user)
                .onFailure(UserService::isUniqueViolation)
                .transform(e -> usernameTaken())
                .invoke(() -> LOG.infof("user %s created", user.id));
    }

    public Uni<User> find(UUID id) {
        return users.findById(id).onItem().ifNull().failWith(UserService::notFound);
    }

    /**
     * The caller's own profile while the token's session lives: after a logout, or for a user who
     * was disabled, the token is refused (401) as at userinfo, though its signature still holds.
     */
    public Uni<User> me(UUID id, UUID session) {
        return sessions.liveSession(session, id)
                .chain(
                        live -> {
                            if (live == null) {
                                return Uni.createFrom()
                                        .failure(
                                                new AuthenticationFailedException(
                                                        "the session of this token has ended"));
                            }
                            return find(id);
                        });
    }

    /**
     * Checks the current password, then in one transaction stores the new hash (only over the hash
     * that was checked) and ends every session of the user. Hashing happens before, outside it.
     */
    public Uni<Void> changePassword(UUID id, PasswordChange change, String source) {
        return find(id).chain(
                        user -> {
                            if (!user.enabled) {
                                return Uni.createFrom()
                                        .failure(
                                                new Failure(
                                                        Failure.Reason.ACCOUNT_DISABLED,
                                                        "the account is disabled"));
                            }
                            java.util.Optional<String> weak =
                                    Passwords.problem(change.newPassword(), user.username);
                            if (weak.isPresent()) {
                                return Uni.createFrom()
                                        .failure(
                                                Failure.invalidRequest(
                                                        "new_password " + weak.get()));
                            }
                            return throttle.reserveCheck(user.username)
                                    .chain(
                                            attempt ->
                                                    hashing.verify(
                                                                    source,
                                                                    change.currentPassword(),
                                                                    user.passwordHash)
                                                            .chain(
                                                                    outcome ->
                                                                            outcome
                                                                                            == PasswordHasher
                                                                                                    .Outcome
                                                                                                    .MISMATCH
                                                                                    ? throttle.failed(
                                                                                                    attempt)
                                                                                            .chain(
                                                                                                    () ->
                                                                                                            Uni
                                                                                                                    .createFrom()
                                                                                                                    .<String>
                                                                                                                            failure(
                                                                                                                                    new Failure(
                                                                                                                                            Failure
                                                                                                                                                    .Reason
                                                                                                                                                    .INVALID_GRANT,
                                                                                                                                            "the current password is not correct")))
                                                                                    : throttle.checkSucceeded(
                                                                                                    attempt)
                                                                                            .chain(
                                                                                                    () ->
                                                                                                            hashing
                                                                                                                    .hash(
                                                                                                                            source,
                                                                                                                            change
                                                                                                                                    .newPassword())))
                                                            .chain(
                                                                    hash ->
                                                                            db.inTransaction(
                                                                                    conn ->
                                                                                            users.replacePasswordHash(
                                                                                                            conn,
                                                                                                            id,
                                                                                                            user.passwordHash,
                                                                                                            hash)
                                                                                                    .chain(
                                                                                                            replaced ->
                                                                                                                    replaced
                                                                                                                            ? endSessions(
                                                                                                                                    conn,
                                                                                                                                    id,
                                                                                                                                    "password_changed",
                                                                                                                                    source)
                                                                                                                            : Uni
                                                                                                                                    .createFrom()
                                                                                                                                    .failure(
                                                                                                                                            new Failure(
                                                                                                                                                    Failure
                                                                                                                                                            .Reason
                                                                                                                                                            .PASSWORD_CHANGED,
                                                                                                                                                    "the password was changed or the account disabled meanwhile; try again")))))
                                                            .onFailure(Failure.class)
                                                            .invoke(
                                                                    () ->
                                                                            audit.passwordChange(
                                                                                    "failure",
                                                                                    user.id,
                                                                                    source))
                                                            .invoke(
                                                                    () ->
                                                                            audit.passwordChange(
                                                                                    "success",
                                                                                    user.id,
                                                                                    source))
                                                            .replaceWithVoid());
                        });
    }

    /**
     * Ends every session of a user, in the caller's transaction: refreshes refuse sessions created
     * before now, and the existing ones are revoked. Fails with {@code not_found} if there is no
     * such user.
     */
    Uni<Integer> endSessions(Transaction conn, UUID id, String reason, String source) {
        return users.endSessionsNow(conn, id)
                .chain(
                        exists ->
                                exists
                                        ? sessionStore.revokeAllOfUser(conn, id, reason)
                                        : Uni.createFrom().failure(notFound()))
                .invoke(n -> audit.revocation(reason, id, n, source));
    }

    static Failure notFound() {
        return new Failure(Failure.Reason.NOT_FOUND, "no such user");
    }

    private static Failure usernameTaken() {
        return new Failure(Failure.Reason.USERNAME_TAKEN, "that username is taken");
    }

    private static boolean isUniqueViolation(Throwable failure) {
        return DatabaseError.of(failure) == DatabaseError.DUPLICATE;
    }
}
