package io.authservice.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: {@code auth.tokens.refresh-retry-window} had no upper bound, and within it a thief
 * holding a spent token gets the live successor. It is capped at 60 s; beyond that the service does
 * not start.
 */
class RetryWindowTest {

    @Test
    void aWindowUpToTheCapIsKept() {
        assertEquals(0.0, Sessions.retryWindowSeconds(Duration.ZERO));
        assertEquals(10.0, Sessions.retryWindowSeconds(Duration.ofSeconds(10)));
        assertEquals(60.0, Sessions.retryWindowSeconds(Duration.ofSeconds(60)));
    }

    @Test
    void aWindowBeyondTheCapOrNegativeStopsTheStart() {
        for (Duration window :
                new Duration[] {
                    Duration.ofMillis(60_001),
                    Duration.ofMinutes(5),
                    Duration.ofDays(1),
                    Duration.ofSeconds(-1)
                }) {
            IllegalStateException refused =
                    assertThrows(
                            IllegalStateException.class,
                            () -> Sessions.retryWindowSeconds(window),
                            window.toString());
            assertTrue(
                    refused.getMessage()
                            .startsWith(
                                    "auth.tokens.refresh-retry-window is "
                                            + window
                                            + ": it must be between PT0S and PT1M"),
                    refused.getMessage());
        }
    }
}
