package io.authservice.platform;

import io.netty.util.NetUtil;
import java.util.Arrays;

/** What per-source controls (throttles, shares, caps) count a caller's address by. */
public final class SourceKey {

    private SourceKey() {}

    /**
     * The key per-source controls count by: an IPv4 address as it is, an IPv6 address by its /64
     * (one subscriber's prefix: its 2^64 addresses are one source), an IPv4-mapped IPv6 address as
     * the IPv4 address it carries.
     */
    public static String of(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null || bytes.length == 4) {
            return address;
        }
        boolean mapped = true;
        for (int i = 0; i < 12; i++) {
            mapped &= bytes[i] == (i < 10 ? 0 : (byte) 0xff);
        }
        if (mapped) {
            return (bytes[12] & 0xff)
                    + "."
                    + (bytes[13] & 0xff)
                    + "."
                    + (bytes[14] & 0xff)
                    + "."
                    + (bytes[15] & 0xff);
        }
        byte[] prefix = Arrays.copyOf(bytes, 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        return NetUtil.bytesToIpAddress(prefix) + "/64";
    }
}
