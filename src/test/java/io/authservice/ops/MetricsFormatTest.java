package io.authservice.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The metrics as a scraper sees them: {@code promtool check metrics} (Debian's prometheus package)
 * accepts both formats the service serves, every {@code auth_*} metric has HELP text, and every
 * known outcome is there, at zero, before its first event. Without promtool the test is skipped
 * locally and fails in CI ({@code CI} set, as {@code .ci/run} does).
 */
@QuarkusTest
class MetricsFormatTest {

    private static final String MANAGEMENT =
            "http://localhost:"
                    + ConfigProvider.getConfig()
                            .getValue("quarkus.management.test-port", Integer.class);
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS =
            "application/openmetrics-text; version=1.0.0; charset=utf-8";

    @Test
    void promtoolAcceptsBothFormats() throws Exception {
        String promtool = Tools.find("promtool", "PROMTOOL");
        for (String accept : List.of(TEXT, OPENMETRICS, "*/*")) {
            String metrics =
                    given().baseUri(MANAGEMENT)
                            .header("Accept", accept)
                            .get("/q/metrics")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString();
            boolean openMetrics = metrics.endsWith("# EOF\n");
            assertEquals(
                    !accept.equals(TEXT),
                    openMetrics,
                    "OpenMetrics unless the text format is asked for");
            Path file =
                    Files.createDirectories(Path.of("target/metrics"))
                            .resolve("metrics-" + accept.replaceAll("[^a-z0-9]+", "_") + ".txt");
            Files.writeString(file, metrics);
            Process check =
                    new ProcessBuilder(promtool, "check", "metrics")
                            .redirectInput(file.toFile())
                            .redirectErrorStream(true)
                            .start();
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = check.waitFor();
            // Exit 1: the document does not parse. Exit 3: lint problems, one line per metric.
            assertTrue(
                    exit == 0 || exit == 3,
                    "promtool check metrics, Accept: " + accept + ": exit " + exit + "\n" + out);
            if (!openMetrics) {
                // This service's own metrics (auth_*) have no lint problem. Quarkus' HTTP, Netty
                // and
                // PostgreSQL pool metrics have some (no HELP, camelCase labels): not this service's
                // to fix.
                for (String line : out.lines().toList()) {
                    assertTrue(
                            line.matches("[a-z_][a-z0-9_]* .+") && !line.startsWith("auth_"),
                            "promtool check metrics, Accept: " + accept + ": " + line);
                }
            } else {
                // promtool reads OpenMetrics with its text-format parser: it parses, but it takes
                // the
                // counter family "auth_logins" and its sample "auth_logins_total" for two metrics
                // and
                // reports the second without HELP. The OpenMetrics parser of prometheus_client
                // checks
                // this service's families instead, strictly (Micrometer's http_server_connections
                // summary, with its _active_count sample, is not valid OpenMetrics and is left
                // out).
                openMetricsParse(metrics);
            }
        }
    }

    /** Parses the auth_* families of an OpenMetrics document strictly; each must have HELP. */
    private static void openMetricsParse(String metrics) throws Exception {
        String python = Tools.find("python3-prometheus-client", "PROMETHEUS_CLIENT_PYTHON");
        StringBuilder ours = new StringBuilder();
        String family = "";
        for (String line : metrics.lines().toList()) {
            Matcher meta = Pattern.compile("^# (?:TYPE|HELP|UNIT) (\\S+)").matcher(line);
            if (meta.find()) {
                family = meta.group(1);
            }
            if (family.startsWith("auth_")
                    && !line.equals("# EOF")) { // the document's own end, if ours came last
                ours.append(line).append('\n');
            }
        }
        ours.append("# EOF\n");
        Process parse =
                new ProcessBuilder(
                                python,
                                "-c",
                                """
                import sys
                from prometheus_client.openmetrics.parser import text_string_to_metric_families
                for f in text_string_to_metric_families(sys.stdin.read()):
                    print(f.name, f.type, len(f.samples), 'HELP' if f.documentation else 'NO-HELP')
                """)
                        .redirectErrorStream(true)
                        .start();
        parse.getOutputStream().write(ours.toString().getBytes(StandardCharsets.UTF_8));
        parse.getOutputStream().close();
        String out = new String(parse.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, parse.waitFor(), "OpenMetrics parser:\n" + out + "\n" + ours);
        assertTrue(out.contains("auth_logins counter 4 HELP"), out);
        assertTrue(!out.contains("NO-HELP"), out);
    }

    @Test
    void everyAuthMetricHasHelpAndItsOutcomesFromTheStart() {
        String metrics =
                given().baseUri(MANAGEMENT)
                        .header("Accept", TEXT)
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        Set<String> families = new TreeSet<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (auth_\\w+) ").matcher(metrics);
        while (type.find()) {
            families.add(type.group(1));
        }
        assertTrue(
                families.containsAll(
                        Set.of(
                                "auth_logins_total",
                                "auth_refreshes_total",
                                "auth_refresh_reuse_total",
                                "auth_revocations_total",
                                "auth_password_changes_total",
                                "auth_password_hash_seconds")),
                "auth metrics: " + families);
        for (String family : families) {
            assertTrue(
                    Pattern.compile("(?m)^# HELP " + family + " \\S").matcher(metrics).find(),
                    family + " has no HELP text");
        }
        // Present whether or not an event happened yet (other tests in this JVM may have counted
        // some).
        for (String series :
                List.of(
                        "auth_logins_total{outcome=\"success\"",
                        "auth_logins_total{outcome=\"failure\"",
                        "auth_logins_total{outcome=\"disabled\"",
                        "auth_logins_total{outcome=\"throttled\"",
                        "auth_refreshes_total{outcome=\"success\"",
                        "auth_refreshes_total{outcome=\"retry\"",
                        "auth_refreshes_total{outcome=\"failure\"",
                        "auth_refresh_reuse_total ",
                        "auth_revocations_total{reason=\"revoked\"",
                        "auth_revocations_total{reason=\"password_changed\"",
                        "auth_revocations_total{reason=\"key_withdrawn\"",
                        "auth_password_changes_total{outcome=\"success\"",
                        "auth_password_changes_total{outcome=\"failure\"")) {
            assertTrue(metrics.contains("\n" + series), series + " missing");
        }
    }

    /** Tools the tests run from the machine: an environment variable, then PATH. */
    static final class Tools {
        static String find(String name, String variable) {
            if (name.equals("python3-prometheus-client")) {
                // Debian's python3-prometheus-client, seen by /usr/bin/python3 only.
                boolean present =
                        Files.isDirectory(
                                Path.of("/usr/lib/python3/dist-packages/prometheus_client"));
                return present ? "/usr/bin/python3" : missing(name, variable);
            }
            String configured = System.getenv(variable);
            if (configured != null && Files.isExecutable(Path.of(configured))) {
                return configured;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
            return missing(name, variable);
        }

        private static String missing(String name, String variable) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(name + " is missing (CI): .ci/run installs it");
            }
            Assumptions.abort(
                    name
                            + " is not installed (set "
                            + variable
                            + " or put it on PATH); CI installs it");
            return null;
        }
    }
}
