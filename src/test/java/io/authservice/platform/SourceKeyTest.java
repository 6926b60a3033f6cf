package io.authservice.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What per-source controls count by: an IPv4 address, or an IPv6 address's /64. */
class SourceKeyTest {

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        assertEquals("2001:db8:66:1::/64", SourceKey.of("2001:db8:66:1::1"));
        assertEquals("2001:db8:66:1::/64", SourceKey.of("2001:db8:66:1:ffff:ffff:ffff:fffe"));
        assertEquals("2001:db8:66:2::/64", SourceKey.of("2001:DB8:66:2:0:0:0:1"));
        assertEquals("::/64", SourceKey.of("::1"));
    }

    @Test
    void ipv4AndMappedIpv4CountByAddress() {
        assertEquals("203.0.113.66", SourceKey.of("203.0.113.66"));
        assertEquals("203.0.113.66", SourceKey.of("::ffff:203.0.113.66"));
        assertEquals("203.0.113.66", SourceKey.of("::ffff:cb00:7142"));
    }

    @Test
    void anythingElseIsItsOwnKey() {
        assertEquals("-", SourceKey.of("-"));
    }
}
