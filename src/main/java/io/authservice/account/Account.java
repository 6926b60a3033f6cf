package io.authservice.account;

import io.authservice.config.UsersConfig;
import io.authservice.passwords.HashingShare;
import io.authservice.passwords.LoginThrottle;
import io.authservice.passwords.PasswordHasher;
import io.authservice.platform.Audit;
import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.Transaction;
import io.authservice.sessions.Sessions;
import io.authservice.users.NewUser;
import io.authservice.users.PasswordChange;
import io.authservice.users.PasswordPolicy;
import io.authservice.users.User;
import io.authservice.users.UserRepository;
import io.authservice.users.UserSessions;
import io.authservice.users.UserView;
import io.authservice.users.Usernames;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a user does for himself: registration, reading his profile, changing his password. Each
 * change is one transaction, opened here.
 */
@Singleton
public class Account {

    static final List<String> DEFAULT_ROLES = List.of("user");

    private final Database db;
    private final UserRepository users;
    private final UserSessions sessions;
    private final Sessions liveSessions;
    private final PasswordPolicy policy;
    private final HashingShare hashing;
    private final LoginThrottle throttle;
    private final Audit audit;
    private final UsersConfig config;

    Account(
            Database db,
            UserRepository users,
            UserSessions sessions,
            Sessions liveSessions,
            PasswordPolicy policy,
            HashingShare hashing,
            LoginThrottle throttle,
            Audit audit,
            UsersConfig config) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.liveSessions = liveSessions;
        this.policy = policy;
        this.hashing = hashing;
        this.throttle = throttle;
        this.audit = audit;
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
        String normalized = Usernames.normalize(request.username());
        String email = request.email() == null ? null : request.email().strip();
        return users.usernameTaken(normalized)
                .chain(
                        taken ->
                                taken
                                        ? Uni.createFrom().failure(UserRepository.usernameTaken())
                                        : hashing.hash(source, request.password()))
                .chain(
                        hash ->
                                db.inTransaction(
                                        conn ->
                                                users.insert(
                                                        conn,
                                                        User.create(
                                                                normalized,
                                                                email,
                                                                hash,
                                                                DEFAULT_ROLES))));
    }

    /**
     * The caller's own profile while the token's session lives, read with the session in one
     * statement: after a logout, or for a user who was disabled, the token is refused (401) as at
     * userinfo, though its signature still holds.
     */
    public Uni<UserView> me(UUID id, UUID session) {
        return liveSessions
                .liveSession(session, id)
                .map(
                        live -> {
                            if (live == null) {
                                throw new AuthenticationFailedException(
                                        "the session of this token has ended");
                            }
                            // A live session's user is enabled: the statement asks for it.
                            return new UserView(
                                    live.userId(),
                                    live.username(),
                                    live.email(),
                                    live.roles(),
                                    true,
                                    live.createdAt(),
                                    null);
                        });
    }

    /**
     * Checks the current password, then in one transaction stores the new hash (only over the hash
     * that was checked) and ends every session of the user. Hashing happens before, outside it.
     */
    public Uni<Void> changePassword(UUID id, PasswordChange change, String source) {
        return users.get(id)
                .chain(
                        user -> {
                            Failure refused = refusal(user, change);
                            if (refused != null) {
                                return Uni.createFrom().failure(refused);
                            }
                            return newHash(user, change, source)
                                    .chain(
                                            hash ->
                                                    db.inTransaction(
                                                            tx -> replace(tx, user, hash, source)))
                                    .onFailure(Failure.class)
                                    .invoke(() -> audit.passwordChange("failure", user.id, source))
                                    .invoke(() -> audit.passwordChange("success", user.id, source))
                                    .replaceWithVoid();
                        });
    }

    /** Why a change is refused before any hashing: a disabled account, a weak new password. */
    private Failure refusal(User user, PasswordChange change) {
        if (!user.enabled) {
            return new Failure(Failure.Reason.ACCOUNT_DISABLED, "the account is disabled");
        }
        Optional<String> weak = policy.problem(change.newPassword(), user.username);
        return weak.map(problem -> Failure.invalidRequest("new_password " + problem)).orElse(null);
    }

    /** The current password checked, throttled as a login is, then the new one hashed. */
    private Uni<String> newHash(User user, PasswordChange change, String source) {
        return throttle.reserveCheck(user.username)
                .chain(
                        attempt ->
                                hashing.verify(source, change.currentPassword(), user.passwordHash)
                                        .chain(outcome -> settle(attempt, outcome)))
                .chain(() -> hashing.hash(source, change.newPassword()));
    }

    /** A mismatch counts against the account and is refused; a match clears the reservation. */
    private Uni<Void> settle(LoginThrottle.Attempt attempt, PasswordHasher.Outcome outcome) {
        if (outcome == PasswordHasher.Outcome.MISMATCH) {
            return throttle.failed(attempt).chain(() -> Uni.createFrom().failure(wrongPassword()));
        }
        return throttle.checkSucceeded(attempt);
    }

    /**
     * The new hash replaces the one checked, if it is still there, and every session ends, in one
     * transaction.
     */
    private Uni<Integer> replace(Transaction tx, User user, String hash, String source) {
        return users.replacePasswordHash(tx, user.id, user.passwordHash, hash)
                .chain(
                        replaced ->
                                replaced
                                        ? sessions.endAll(tx, user.id, "password_changed", source)
                                        : Uni.createFrom()
                                                .failure(
                                                        new Failure(
                                                                Failure.Reason.PASSWORD_CHANGED,
                                                                "the password was changed or the"
                                                                        + " account disabled"
                                                                        + " meanwhile; try"
                                                                        + " again")));
    }

    private static Failure wrongPassword() {
        return new Failure(Failure.Reason.INVALID_GRANT, "the current password is not correct");
    }
}
