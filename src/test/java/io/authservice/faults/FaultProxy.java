package io.authservice.faults;

import io.authservice.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of PostgreSQL that injects the faults a network or a database can show. It
 * listens on 127.0.0.1 on a port below 32768 (outside Linux' ephemeral range) and forwards to
 * {@code upstream}. Modes:
 *
 * <ul>
 *   <li>{@link Mode#PASS}: forwards both ways.
 *   <li>{@link Mode#REFUSE}: the listener is closed (new connections are refused) and every current
 *       connection is reset.
 *   <li>{@link Mode#RESET}: every current connection is reset; new connections are still accepted,
 *       and reset as soon as they send anything (a database that accepts and drops).
 *   <li>{@link Mode#BLACKHOLE}: new connections are accepted, but nothing is forwarded in either
 *       direction, on new and existing connections alike; they stay open and silent. Back in {@code
 *       PASS}, what was held is delivered (as after a network partition heals).
 * </ul>
 *
 * {@link #cut()} resets the current connections once without changing the mode (a connection cut
 * mid-transaction).
 */
public final class FaultProxy implements AutoCloseable {

    public enum Mode {
        PASS,
        REFUSE,
        RESET,
        BLACKHOLE
    }

    private final int port;
    private final InetSocketAddress upstream;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.PASS;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private FaultProxy(int port, InetSocketAddress upstream) {
        this.port = port;
        this.upstream = upstream;
    }

    /** Starts a proxy to {@code host:upstreamPort} on a free port below 32768. */
    public static FaultProxy start(String host, int upstreamPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            FaultProxy proxy =
                    new FaultProxy(Ports.draw(), new InetSocketAddress(host, upstreamPort));
            try {
                proxy.listen();
                return proxy;
            } catch (IOException taken) {
                last = taken;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public Mode mode() {
        return mode;
    }

    /** How many client connections are open through the proxy. */
    public int connections() {
        return links.size();
    }

    public synchronized void mode(Mode next) throws IOException {
        synchronized (gate) {
            mode = next;
            gate.notifyAll();
        }
        switch (next) {
            case PASS, BLACKHOLE -> listen();
            case REFUSE -> {
                ServerSocket current = listener;
                listener = null;
                if (current != null) {
                    current.close();
                }
                cut();
            }
            case RESET -> {
                listen();
                cut();
            }
        }
    }

    /** Resets every current connection (RST to the client), whatever the mode. */
    public void cut() {
        for (Link link : links) {
            link.reset();
        }
    }

    private synchronized void listen() throws IOException {
        if (listener != null || closed) {
            return;
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        listener = socket;
        Thread accept = new Thread(() -> acceptLoop(socket), "fault-proxy-accept-" + port);
        accept.setDaemon(true);
        accept.start();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket();
                server.connect(upstream, 2000);
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        mode(Mode.REFUSE);
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close() sends RST instead of FIN
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** One client connection and its connection to the upstream. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean done;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() throws IOException {
            pump(client.getInputStream(), server.getOutputStream(), "up");
            pump(server.getInputStream(), client.getOutputStream(), "down");
        }

        private void pump(InputStream in, OutputStream out, String direction) {
            Thread thread =
                    new Thread(
                            () -> {
                                byte[] buffer = new byte[16384];
                                try {
                                    int n;
                                    while ((n = in.read(buffer)) >= 0) {
                                        if (!await()) {
                                            return;
                                        }
                                        out.write(buffer, 0, n);
                                        out.flush();
                                    }
                                    close();
                                } catch (IOException e) {
                                    reset();
                                }
                            },
                            "fault-proxy-" + port + "-" + direction);
            thread.setDaemon(true);
            thread.start();
        }

        /** Holds while blackholed; false when the link must go (reset, or data in RESET mode). */
        private boolean await() {
            synchronized (gate) {
                while (mode == Mode.BLACKHOLE && !done) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            if (done) {
                return false;
            }
            if (mode == Mode.RESET || mode == Mode.REFUSE) {
                reset();
                return false;
            }
            return true;
        }

        void reset() {
            done = true;
            links.remove(this);
            FaultProxy.reset(client);
            FaultProxy.reset(server);
            synchronized (gate) {
                gate.notifyAll();
            }
        }

        private void close() {
            done = true;
            links.remove(this);
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
