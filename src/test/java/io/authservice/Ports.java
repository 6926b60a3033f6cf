package io.authservice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts: below Linux's ephemeral range (32768+), where a client socket,
 * even one connected to itself, can take a port while a restarted replica is away from it. Each
 * fork of the IT run (failsafe's forkCount, system property {@code auth.it.fork}) draws from its
 * own 6,000 ports, so two forks never pick the same one.
 */
public final class Ports {

    private static final int FIRST = 20000;
    private static final int PER_FORK = 6000;

    private Ports() {}

    /** A random port of this fork's range: the caller binds it and tries another if it is taken. */
    public static int draw() {
        int fork = Integer.getInteger("auth.it.fork", 1);
        return FIRST + ((fork - 1) % 2) * PER_FORK + ThreadLocalRandom.current().nextInt(PER_FORK);
    }

    /** A port of this fork's range that nothing listens on right now. */
    public static int free() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = draw();
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in this fork's range below 32768");
    }
}
