package io.authservice.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class CommonPasswordsTest {

    /** The list hashed from raw bytes holds exactly the lines a reader of the text sees. */
    @Test
    void everyLineOfTheListIsRefusedAndNothingElse() throws Exception {
        CommonPasswords common = new CommonPasswords();
        int lines = 0;
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(
                                        CommonPasswords.class.getResourceAsStream(
                                                "/passwords/common-passwords.txt.gz")),
                                StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isEmpty()) {
                    lines++;
                    assertTrue(common.contains(line), line);
                }
            }
        }
        assertTrue(lines > 190_000, "the whole list: " + lines);
        assertEquals(lines, common.size(), "one hash per line (the list has no duplicates)");
        assertTrue(common.contains("PASSWORD1234"), "compared in lower case");
        assertFalse(common.contains("violet-staple-orbit-7"));
        assertFalse(common.contains("passwor"));
        assertEquals(0xcbf29ce484222325L, CommonPasswords.hash(""));
    }
}
