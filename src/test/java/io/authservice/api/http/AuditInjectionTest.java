package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.platform.Audit;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A value a client chose (a client id, a forwarded address) cannot end an audit line or pose as a
 * field.
 */
@QuarkusTest
class AuditInjectionTest {

    @Inject Audit audit;

    @Test
    void valuesAreOneTokenEach() throws Exception {
        List<String> lines =
                HostileInputTest.auditLines(
                        () -> {
                            audit.login(
                                    "failure",
                                    null,
                                    "web\nevent=login outcome=success user=admin",
                                    "203.0.113.9 outcome=success");
                            audit.refresh("failure", null, "a\"b\\c\u2028d\u0000", "198.51.100.1");
                            return null;
                        });
        assertEquals(2, lines.size(), lines.toString());
        for (String line : lines) {
            assertFalse(
                    line.contains("\n") || line.contains("\u2028") || line.contains("\u0000"),
                    line);
            assertEquals(
                    1, line.split("outcome=", -1).length - 1 - countQuoted(line, "outcome="), line);
        }
        assertTrue(
                lines.get(0)
                        .contains("client=\"web\\u000aevent=login outcome=success user=admin\""),
                lines.get(0));
        assertTrue(lines.get(0).endsWith("source=\"203.0.113.9 outcome=success\""), lines.get(0));
        assertTrue(lines.get(1).contains("client=\"a\\\"b\\\\c\\u2028d\\u0000\""), lines.get(1));
        assertTrue(lines.get(1).endsWith("source=198.51.100.1"), lines.get(1));
    }

    /** Occurrences of {@code text} inside double quotes. */
    private static int countQuoted(String line, String text) {
        int count = 0;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (quoted && line.startsWith(text, i)) {
                count++;
            }
        }
        return count;
    }
}
