package dev.shoehorn.backup.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a fixed port before a server is started on it. Kafka and Jetty fail on a busy port only
 * after they have started threads of their own (Kafka then leaves its controller running), so a
 * busy port is caught first and reported in one line.
 */
final class Ports {

    private Ports() {
    }

    /**
     * @param port a fixed port; 0 (a free port chosen at bind time) passes
     * @throws IllegalStateException when something already listens on {@code 127.0.0.1:port}
     */
    static void requireFree(String what, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(what + " port out of range: " + port);
        }
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException(what + " cannot listen on 127.0.0.1:" + port
                    + ": the port is in use (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Ports free now and distinct from each other, for a server that must come back on the same
     * ports after a restart, or that needs two at once: each socket stays open until all are
     * chosen, because ports chosen one at a time can repeat (a broker given the same port twice
     * for its client and controller listeners refuses to start).
     */
    static int[] free(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket that accepted nothing cannot lose anything
                }
            }
        }
    }
}
