package io.authservice.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Upgrading to introspection by permission (V7) breaks no resource server: the confidential clients
 * registered before keep introspecting; public clients never could. On a database of its own.
 */
class IntrospectionMigrationTest {

    private static final String PG = System.getProperty("it.pg", "127.0.0.1:5432");

    @Test
    void confidentialClientsRegisteredBeforeKeepIntrospecting() throws Exception {
        String database = "auth_v7_" + UUID.randomUUID().toString().substring(0, 8);
        admin("create database " + database);
        try {
            String url = "jdbc:postgresql://" + PG + "/" + database;
            flyway(url).target("6").load().migrate();
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                c.createStatement()
                        .execute(
                                "insert into clients (client_id, client_name, grant_types,"
                                        + " token_endpoint_auth_method, scope, audience) values"
                                        + " ('basic', 'b', '{client_credentials}', 'client_secret_basic', '', '{api}'),"
                                        + " ('signed', 's', '{client_credentials}', 'private_key_jwt', '', '{api}'),"
                                        + " ('spa', 'p', '{password}', 'none', '', '{api}')");
            }
            flyway(url).load().migrate();
            Map<String, Boolean> allowed = new HashMap<>();
            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                    ResultSet rows =
                            c.createStatement()
                                    .executeQuery(
                                            "select client_id, introspection_allowed from clients")) {
                while (rows.next()) {
                    allowed.put(rows.getString(1), rows.getBoolean(2));
                }
            }
            assertEquals(Map.of("basic", true, "signed", true, "spa", false), allowed);
        } finally {
            admin("drop database if exists " + database + " with (force)");
        }
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url) {
        return Flyway.configure()
                .dataSource(url, "postgres", "")
                .locations("classpath:db/migration");
    }

    private static void admin(String statement) throws Exception {
        try (Connection c =
                DriverManager.getConnection(
                        "jdbc:postgresql://" + PG + "/postgres", "postgres", "")) {
            c.createStatement().execute(statement);
        }
    }
}
