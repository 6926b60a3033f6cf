package io.authservice.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What per-source controls count by: an IPv4 address, or an IPv6 address's /64. */
class SourceKeyTest {

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        assertEquals("2001:db8:66:1::/64", ClientAddress.source("2001:db8:66:1::1"));
        assertEquals(
                "2001:db8:66:1::/64", ClientAddress.source("2001:db8:66:1:ffff:ffff:ffff:fffe"));
        assertEquals("2001:db8:66:2::/64", ClientAddress.source("2001:DB8:66:2:0:0:0:1"));
        assertEquals("::/64", ClientAddress.source("::1"));
    }

    @Test
    void ipv4AndMappedIpv4CountByAddress() {
        assertEquals("203.0.113.66", ClientAddress.source("203.0.113.66"));
        assertEquals("203.0.113.66", ClientAddress.source("::ffff:203.0.113.66"));
        assertEquals("203.0.113.66", ClientAddress.source("::ffff:cb00:7142"));
    }

    @Test
    void anythingElseIsItsOwnKey() {
        assertEquals("-", ClientAddress.source("-"));
    }
}
