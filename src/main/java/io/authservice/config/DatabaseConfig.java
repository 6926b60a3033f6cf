package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code auth.database.*}: deadlines on the database. */
@ConfigMapping(prefix = "auth.database")
public interface DatabaseConfig {
    /**
     * The longest a request waits for the database (connect, acquire, its statements); then 503.
     */
    @WithDefault("PT1.5S")
    Duration timeout();

    /**
     * A request that waits this long for (the rest of) its answer closes its connection (a database
     * that stopped answering).
     */
    @WithDefault("PT5S")
    Duration stallTimeout();
}
