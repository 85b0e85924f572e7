package dev.shoehorn.backup.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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

    /** A port free now, for a server that must come back on the same port after a restart. */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }
}
