package io.authservice.api;

import io.authservice.config.HttpConfig;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The caller's address for audit lines: the socket's peer, or, when that peer is a trusted proxy
 * ({@code auth.trusted-proxies}), the nearest {@code X-Forwarded-For} entry that is not one. Read
 * here, not by Quarkus' proxy support, which believes the first entry (the client's own claim when
 * the proxy appends) and leaves a request with an empty entry unanswered.
 */
@Singleton
public class SourceAddress {

    private final List<Range> trusted;

    SourceAddress(HttpConfig config) {
        this.trusted =
                config.trustedProxies().orElse(List.of()).stream().map(Range::parse).toList();
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().host();
        if (peer == null) {
            return "-";
        }
        String client = peer;
        List<String> hops = request.headers().getAll("X-Forwarded-For");
        for (int h = hops.size() - 1; h >= 0 && isTrusted(client); h--) {
            String[] entries = hops.get(h).split(",");
            for (int e = entries.length - 1; e >= 0 && isTrusted(client); e--) {
                String entry = address(entries[e]);
                if (NetUtil.createByteArrayFromIpAddressString(entry) == null) {
                    return client; // garbage: the last address known is the proxy that passed it on
                }
                client = entry;
            }
        }
        return client;
    }

    /**
     * The address of an {@code X-Forwarded-For} entry, which proxies may also write with a port
     * ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}) and quoted as in RFC 7239 ({@code
     * "[2001:db8::1]:4711"}): without the port, brackets and quotes, the entry as is otherwise.
     */
    static String address(String entry) {
        String text = entry.trim();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1).trim();
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            boolean portOrNothing =
                    close > 0 && (close == text.length() - 1 || text.charAt(close + 1) == ':');
            return portOrNothing ? text.substring(1, close) : text;
        }
        int colon = text.indexOf(':');
        // One colon: IPv4 with a port. An IPv6 address without brackets has several and stays
        // whole.
        return colon > 0 && colon == text.lastIndexOf(':') ? text.substring(0, colon) : text;
    }

    public boolean isTrusted(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        return bytes != null && trusted.stream().anyMatch(range -> range.contains(bytes));
    }

    /** An address or a CIDR range, e.g. {@code 10.0.0.0/8} or {@code fd00::/8}. */
    record Range(byte[] network, int bits) {

        static Range parse(String text) {
            String[] parts = text.trim().split("/", 2);
            byte[] network = NetUtil.createByteArrayFromIpAddressString(parts[0]);
            int bits =
                    parts.length == 2
                            ? Integer.parseInt(parts[1])
                            : network == null ? 0 : network.length * 8;
            if (network == null || bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException(
                        "auth.trusted-proxies: not an address or CIDR range: " + text);
            }
            return new Range(network, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
