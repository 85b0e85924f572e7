package dev.shoehorn.backup.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The local Redis (or Valkey), spoken to in plain RESP: enough to tell whether it answers and to
 * put a few cache keys in place for the demo's cache flush to remove.
 */
record LocalRedis(String host, int port) {

    private static final int TIMEOUT_MILLIS = 1_000;

    /** Whether the server answers PING. */
    boolean reachable() {
        try {
            return command("PING").startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Sets a key in database 0, as the application's cache would. */
    void set(String key, String value) throws IOException {
        String reply = command("SET", key, value);
        if (!reply.startsWith("+OK")) {
            throw new IOException("SET " + key + " answered " + reply.strip());
        }
    }

    private String command(String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            StringBuilder resp = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                resp.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word)
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
