package io.authservice.platform.db;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.util.logging.Level;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The service's entry point, with one run mode besides serving: given the single argument {@code
 * migrate}, it applies the migrations with Flyway over quarkus.datasource.jdbc.url (with
 * quarkus.datasource.username and password, read as the service reads them: environment, system
 * properties, application.properties in the prod profile) and exits, without starting the service.
 * The migration init container (deploy/components/migrations) runs it so. {@code
 * quarkus.init-and-exit} did the same, but Quarkus then waits a fixed 5 s for its own shutdown
 * before it exits (InitializationTaskRecorder), on every pod start.
 */
@QuarkusMain
public class MigrateAndExit {

    private static final Logger LOG = Logger.getLogger(MigrateAndExit.class);

    public static void main(String... args) {
        if (args.length == 1 && args[0].equals("migrate")) {
            System.exit(migrate());
        }
        Quarkus.run(args);
    }

    static int migrate() {
        // Quarkus configures logging when it starts, and it does not start here: a plain console
        // log.
        org.jboss.logmanager.Logger root = org.jboss.logmanager.Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(
                new ConsoleHandler(new PatternFormatter("%d{HH:mm:ss.SSS} %-5p [%c] %s%e%n")));
        try {
            SmallRyeConfig config =
                    new SmallRyeConfigBuilder()
                            .addDefaultSources()
                            .addDiscoveredConverters()
                            .withProfile(
                                    System.getProperty(
                                            "quarkus.profile",
                                            System.getenv()
                                                    .getOrDefault("QUARKUS_PROFILE", "prod")))
                            .withSources(
                                    new PropertiesConfigSource(
                                            MigrateAndExit.class
                                                    .getClassLoader()
                                                    .getResource("application.properties"),
                                            250))
                            .build();
            MigrateResult result =
                    Flyway.configure(MigrateAndExit.class.getClassLoader())
                            .dataSource(
                                    config.getValue("quarkus.datasource.jdbc.url", String.class),
                                    config.getOptionalValue(
                                                    "quarkus.datasource.username", String.class)
                                            .orElse(null),
                                    config.getOptionalValue(
                                                    "quarkus.datasource.password", String.class)
                                            .orElse(null))
                            .locations(
                                    config.getOptionalValue(
                                                    "quarkus.flyway.locations", String.class)
                                            .orElse("db/migration"))
                            .load()
                            .migrate();
            LOG.infof(
                    "migrations applied: %d now, schema at version %s",
                    result.migrationsExecuted,
                    result.targetSchemaVersion != null
                            ? result.targetSchemaVersion
                            : result.initialSchemaVersion);
            return 0;
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "migrations failed: %s", e.getMessage());
            return 1;
        }
    }
}
