package io.authservice.it;

import io.authservice.Api;
import io.restassured.RestAssured;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged service, on a database of its own, for a test class that needs settings the shared
 * {@code @QuarkusTest} application does not have (a rate limit, a connection cap, short timeouts).
 * Each Quarkus test profile costs the unit-test phase an augmentation and a start; a class with
 * this extension instead runs in the IT phase, beside the others, and RestAssured and {@link Api}
 * talk to its service.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ServiceUnderTest SERVICE = ServiceUnderTest.with(Map.of("AUTH_...", "..."));
 * </pre>
 */
public final class ServiceUnderTest implements BeforeAllCallback, AfterAllCallback {

    /**
     * What application.properties sets for {@code %test} and the HTTP-level tests count on: no
     * limits unless a test sets one, and a database deadline that a busy machine does not reach.
     */
    private static final Map<String, String> TEST_SETTINGS =
            Map.of(
                    "AUTH_RATE_LIMIT_REVOKE_INTROSPECT_REQUESTS_PER_SECOND", "0",
                    "AUTH_HTTP_CONNECTIONS_PER_SOURCE", "0",
                    "AUTH_DATABASE_TIMEOUT", "PT10S");

    private final Map<String, String> settings;
    private String database;
    private Service service;

    private ServiceUnderTest(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * A service with the tests' settings and {@code settings} (environment variables) over them.
     */
    public static ServiceUnderTest with(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(TEST_SETTINGS);
        all.putAll(settings);
        return new ServiceUnderTest(all);
    }

    /** The API's base URI, ending with a slash. */
    public URI base() {
        return service.base.resolve("/");
    }

    /** The management port's base URI, ending with a slash. */
    public URI management() {
        return service.management.resolve("/");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        database = Service.createDatabase();
        service = Service.start(database, settings);
        service.awaitReady();
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = service.base.getPort();
        Api.useAdministrator(Service.ADMIN, Service.ADMIN_PASSWORD);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        RestAssured.reset();
        try {
            if (service != null) {
                service.close();
            }
        } finally {
            Service.dropDatabase(database);
        }
    }
}
