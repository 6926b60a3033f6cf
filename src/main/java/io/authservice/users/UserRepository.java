package io.authservice.users;

import io.authservice.platform.Failure;
import io.authservice.platform.db.Database;
import io.authservice.platform.db.DatabaseError;
import io.authservice.platform.db.Transaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Users in PostgreSQL: every statement on {@code users}, and the mapping of its rows. Reads and
 * single changes run through {@link Database}; the methods taking a {@link Transaction} are steps
 * of a transaction a use case opened.
 */
@Singleton
public class UserRepository {

    private static final Logger LOG = Logger.getLogger(UserRepository.class);

    private static final String COLUMNS =
            "id, username, email, password_hash, roles, enabled, created_at";
    private static final String MATCHING = " where username like $1 or lower(email) like $1";
    private static final String ENABLED_ADMIN =
            "select exists (select 1 from users"
                    + " where 'admin' = any(roles) and enabled and id is distinct from $1)";

    /**
     * Compare-and-set: the new hash is stored only over the one that was verified, never for a
     * disabled user.
     */
    private static final String REPLACE_HASH =
            "update users set password_hash = $3, updated_at = now()"
                    + " where id = $1 and password_hash = $2 and enabled";

    /**
     * The advisory lock that serializes changes which could leave no enabled administrator
     * ("authadmn").
     */
    private static final long ADMINISTRATION_LOCK = 0x6175746861646d6eL;

    private final Database db;

    UserRepository(Database db) {
        this.db = db;
    }

    public Uni<User> findByUsername(String normalizedUsername) {
        return db.execute(
                        "select " + COLUMNS + " from users where username = $1",
                        Tuple.of(normalizedUsername))
                .map(UserRepository::first);
    }

    public Uni<User> findById(UUID id) {
        return db.execute("select " + COLUMNS + " from users where id = $1", Tuple.of(id))
                .map(UserRepository::first);
    }

    /** The user; fails with {@code not_found} if there is none. */
    public Uni<User> get(UUID id) {
        return findById(id).onItem().ifNull().failWith(UserRepository::notFound);
    }

    public Uni<Boolean> usernameTaken(String normalizedUsername) {
        return db.execute(
                        "select exists (select 1 from users where username = $1)",
                        Tuple.of(normalizedUsername))
                .map(UserRepository::bool);
    }

    public Uni<Boolean> enabledAdminExists() {
        return db.execute(ENABLED_ADMIN, Tuple.of((UUID) null)).map(UserRepository::bool);
    }

    /** A page of users whose username or email contains {@code term} (any case), by username. */
    public Uni<List<User>> search(String term, int page, int size) {
        return db.execute(
                        "select "
                                + COLUMNS
                                + " from users"
                                + MATCHING
                                + " order by username limit $2 offset $3",
                        Tuple.of(pattern(term), size, (long) page * size))
                .map(
                        rows -> {
                            List<User> found = new ArrayList<>();
                            rows.forEach(row -> found.add(user(row)));
                            return found;
                        });
    }

    public Uni<Long> countMatching(String term) {
        return db.execute("select count(*) from users" + MATCHING, Tuple.of(pattern(term)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Stores a re-hash of the same password, unless the hash changed meanwhile. */
    public Uni<Boolean> upgradePasswordHash(UUID id, String verifiedHash, String newHash) {
        return db.execute(REPLACE_HASH, Tuple.of(id, verifiedHash, newHash))
                .map(rows -> rows.rowCount() == 1);
    }

    // ---- steps of a transaction ----

    /**
     * Waits for other changes that could remove an enabled administrator, until the transaction
     * ends.
     */
    public Uni<Void> lockAdministration(Transaction conn) {
        return conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(Tuple.of(ADMINISTRATION_LOCK))
                .replaceWithVoid();
    }

    /** Enabled administrators other than {@code except} (null: any) exist. */
    public Uni<Boolean> enabledAdminExists(Transaction conn, UUID except) {
        return conn.preparedQuery(ENABLED_ADMIN)
                .execute(Tuple.of(except))
                .map(UserRepository::bool);
    }

    /** The user, locked against other changes until the transaction ends; null if there is none. */
    public Uni<User> lock(Transaction conn, UUID id) {
        return conn.preparedQuery("select " + COLUMNS + " from users where id = $1 for update")
                .execute(Tuple.of(id))
                .map(UserRepository::first);
    }

    /** Adds a user; a taken username fails with {@code username_taken}. */
    public Uni<User> insert(Transaction conn, User user) {
        return conn.preparedQuery(
                        "insert into users (id, username, email, password_hash, roles, enabled,"
                                + " created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)")
                .execute(
                        Tuple.from(
                                new Object[] {
                                    user.id,
                                    user.username,
                                    user.email,
                                    user.passwordHash,
                                    user.roleList().toArray(String[]::new),
                                    user.enabled,
                                    user.createdAt.atOffset(ZoneOffset.UTC)
                                }))
                .replaceWith(user)
                .onFailure(e -> DatabaseError.of(e) == DatabaseError.DUPLICATE)
                .transform(e -> usernameTaken())
                .invoke(() -> LOG.infof("user %s created", user.id));
    }

    public Uni<Boolean> replacePasswordHash(
            Transaction conn, UUID id, String verifiedHash, String newHash) {
        return conn.preparedQuery(REPLACE_HASH)
                .execute(Tuple.of(id, verifiedHash, newHash))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<User> setEnabled(Transaction conn, UUID id, boolean enabled) {
        return conn.preparedQuery(
                        "update users set enabled = $2, updated_at = now() where id = $1 returning "
                                + COLUMNS)
                .execute(Tuple.of(id, enabled))
                .map(UserRepository::first);
    }

    public Uni<User> setRoles(Transaction conn, UUID id, List<String> roles) {
        return conn.preparedQuery(
                        "update users set roles = $2, updated_at = now() where id = $1 returning "
                                + COLUMNS)
                .execute(Tuple.of(id, roles.toArray(String[]::new)))
                .map(UserRepository::first);
    }

    public Uni<Void> delete(Transaction conn, UUID id) {
        return conn.preparedQuery("delete from users where id = $1")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /**
     * Refreshes refuse sessions created before now. The wall clock, not the transaction's start: a
     * login whose session insert waited for this transaction began before it and must not count as
     * later. Returns whether the user exists.
     */
    Uni<Boolean> endSessionsNow(Transaction conn, UUID id) {
        return conn.preparedQuery(
                        "update users set sessions_not_before = clock_timestamp() where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    public static Failure notFound() {
        return new Failure(Failure.Reason.NOT_FOUND, "no such user");
    }

    public static Failure usernameTaken() {
        return new Failure(Failure.Reason.USERNAME_TAKEN, "that username is taken");
    }

    private static User first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? user(rows.iterator().next()) : null;
    }

    private static User user(Row row) {
        return new User(
                row.getUUID("id"),
                row.getString("username"),
                row.getString("email"),
                row.getString("password_hash"),
                List.of(row.getArrayOfStrings("roles")),
                row.getBoolean("enabled"),
                row.getOffsetDateTime("created_at").toInstant());
    }

    private static boolean bool(RowSet<Row> rows) {
        return rows.iterator().next().getBoolean(0);
    }

    private static String pattern(String term) {
        String escaped =
                term.toLowerCase(Locale.ROOT)
                        .replace("\\", "\\\\")
                        .replace("%", "\\%")
                        .replace("_", "\\_");
        return "%" + escaped + "%";
    }
}
