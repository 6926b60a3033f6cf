package io.authservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example single-page app (examples/spa) in a real browser: Debian's Chromium, headless, driven
 * by playwright-core (src/test/browser/spa.cjs), against the packaged service. The page is served
 * from http://127.0.0.1:&lt;port&gt; (listed in its cookie-mode client's allowed_cors_origins), and
 * the same page from an unlisted origin of the same site (127.0.0.1, another port) and of another
 * site (localhost). Chromium comes from {@code CHROMIUM} (default /usr/bin/chromium),
 * playwright-core from the npm prefix in {@code BROWSER_NPM} (default
 * /var/cache/auth-service-ci/browser-npm), both installed by .ci/run; with CI set, a missing one
 * fails the test instead of skipping it.
 */
class BrowserIT {

    private static final Path SPA = Path.of("examples/spa");

    private String database;
    private Service service;
    private final List<HttpServer> servers = new ArrayList<>();
    private String chromium;
    private Path playwright;

    @BeforeEach
    void start() throws Exception {
        chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        playwright =
                Path.of(
                        System.getenv()
                                .getOrDefault(
                                        "BROWSER_NPM", "/var/cache/auth-service-ci/browser-npm"),
                        "node_modules",
                        "playwright-core");
        require(
                Files.isExecutable(Path.of(chromium)),
                "Chromium (" + chromium + ", Debian's chromium)");
        require(Files.isDirectory(playwright), "playwright-core (" + playwright + ", npm)");
        database = Service.createDatabase();
        service = Service.start(database, Map.of());
        service.awaitReady();
    }

    @AfterEach
    void stop() throws Exception {
        servers.forEach(server -> server.stop(0));
        if (service != null) {
            service.close();
        }
        if (database != null) {
            Service.dropDatabase(database);
        }
    }

    @Test
    void theExampleSpaLogsInRefreshesSurvivesAReloadLogsOutAndOtherOriginsGetNothing()
            throws Exception {
        int spaPort = serve(InetAddress.getByName("127.0.0.1"));
        int sameSitePort = serve(InetAddress.getByName("127.0.0.1"));
        int crossSitePort = serve(InetAddress.getLoopbackAddress());
        String spa = "http://127.0.0.1:" + spaPort;

        String admin = service.adminToken();
        String clientId = "example-spa";
        HttpResponse<String> client =
                service.post(
                        "/admin/clients",
                        "application/json",
                        """
                {"client_id": "%s", "client_name": "example SPA", "token_endpoint_auth_method": "none",
                 "grant_types": ["password", "refresh_token"], "refresh_token_mode": "cookie",
                 "allowed_cors_origins": ["%s"], "access_token_lifespan": 5}"""
                                .formatted(clientId, spa),
                        admin);
        assertEquals(201, client.statusCode(), client.body());
        String username = "browser-user";
        String password = "correct-horse-battery";
        HttpResponse<String> user =
                service.post(
                        "/users",
                        "application/json",
                        "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}",
                        null);
        assertEquals(201, user.statusCode(), user.body());

        ProcessBuilder node =
                new ProcessBuilder("node", "src/test/browser/spa.cjs").redirectErrorStream(true);
        node.environment()
                .putAll(
                        Map.of(
                                "PLAYWRIGHT_CORE",
                                playwright.toAbsolutePath().toString(),
                                "CHROMIUM",
                                chromium,
                                "SERVICE",
                                service.base.toString(),
                                "SPA",
                                spa,
                                "SAME_SITE",
                                "http://127.0.0.1:" + sameSitePort,
                                "CROSS_SITE",
                                "http://localhost:" + crossSitePort,
                                "CLIENT_ID",
                                clientId,
                                "USERNAME",
                                username,
                                "PASSWORD",
                                password));
        long started = System.nanoTime();
        Process run = node.start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = run.waitFor(120, TimeUnit.SECONDS);
        System.out.printf(
                "browser run (%d ms):%n%s",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), output);
        assertTrue(ended, "the browser run ended");
        assertEquals(0, run.exitValue(), output);
        assertTrue(output.lines().anyMatch("ok"::equals), output);
        // The pages on unlisted origins sent the right credentials too: the service refused them by
        // Origin (403), so the only login of the client is the listed page's.
        long logins =
                service.log()
                        .lines()
                        .filter(
                                l ->
                                        l.contains("event=login outcome=success")
                                                && l.contains("client=" + clientId))
                        .count();
        System.out.println(
                "browser run: logins of " + clientId + " the service accepted: " + logins);
        assertEquals(1, logins, "only the listed page logged in");
    }

    /** With CI set, a missing tool fails the test: .ci/run installs it. */
    private static void require(boolean present, String what) {
        if (!present) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(what + " is missing (CI): .ci/run installs it");
            }
            Assumptions.abort(what + " is not installed; .ci/run installs it");
        }
    }

    /** Serves examples/spa on a free port of {@code address}. */
    private int serve(InetAddress address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String name = exchange.getRequestURI().getPath().replaceFirst("^/", "");
                    Path file = SPA.resolve(name.isEmpty() ? "index.html" : name).normalize();
                    byte[] body;
                    int status = 200;
                    if (file.startsWith(SPA) && Files.isRegularFile(file)) {
                        body = Files.readAllBytes(file);
                        exchange.getResponseHeaders()
                                .set(
                                        "Content-Type",
                                        file.toString().endsWith(".js")
                                                ? "text/javascript"
                                                : "text/html; charset=utf-8");
                    } else {
                        status = 404;
                        body = "not found".getBytes(StandardCharsets.UTF_8);
                    }
                    exchange.sendResponseHeaders(status, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }
}
