package io.authservice.passwords;

import io.authservice.config.AuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

/** Statements on the login failures {@link LoginThrottle} counts, beyond its own. */
@Singleton
public class LoginFailureStore {

    private final double forgetAfterSeconds;
    private final double knownSeconds;

    LoginFailureStore(AuthConfig config) {
        AuthConfig.Login login = config.login();
        this.forgetAfterSeconds =
                Math.max(login.throttleMax().toMillis(), login.accountLimitWindow().toMillis())
                        / 1000.0;
        this.knownSeconds = login.knownDeviceLifetime().toMillis() / 1000.0;
    }

    /**
     * Forgets what no longer counts, in the caller's transaction: quiet pairs whose source is no
     * longer known, and accounts' counts that outlived their window (those of usernames nobody has
     * too).
     */
    public Uni<Void> purge(SqlClient conn) {
        return conn.preparedQuery(
                        "delete from login_failures where updated_at < now() - make_interval(secs => $1)"
                                + " and (locked_until is null or locked_until < now())"
                                + " and (succeeded_at is null or succeeded_at < now() - make_interval(secs => $2))")
                .execute(Tuple.of(forgetAfterSeconds, knownSeconds))
                .replaceWithVoid();
    }
}
