package dev.shoehorn.backup.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.shoehorn.backup.local.LocalPostgres;

/**
 * A PostgreSQL cluster of the test's own, for faults that would disturb every other test if done to
 * the machine's server (a restart): initdb into a temporary directory, a free port on 127.0.0.1,
 * trust authentication for {@code postgres}. PostgreSQL refuses to run as root, so when the tests
 * run as root the cluster runs as the {@code postgres} user. {@link #close()} stops the server and
 * deletes the directory.
 */
final class PrivatePostgres implements AutoCloseable {

    private static final String SUPERUSER = "postgres";

    private final Path dir;
    private final Path bin;
    private final int port;

    private PrivatePostgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = binaries();
        // not bw-pg-<digits>: workers sweep directories of that name from the temporary directory
        Path dir = Files.createTempDirectory("bw-it-postgres-");
        PrivatePostgres server = new PrivatePostgres(dir, bin, freePort());
        try {
            if (runsAsRoot()) {
                server.run(List.of("chown", SUPERUSER, dir.toString()));
            }
            // nothing here has to survive a power cut: no syncing makes initdb and checkpoints fast
            server.runAsOwner("initdb", "-D", server.data(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                    "--no-sync");
            server.runAsOwner("pg_ctl", "-D", server.data(), "-l", server.log(), "-w", "-o",
                    "-p " + server.port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off", "start");
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A client of this server, as the tests' and the worker's own settings take one. */
    LocalPostgres client() {
        return new LocalPostgres("127.0.0.1", port, SUPERUSER, null);
    }

    /**
     * {@code pg_ctl restart -m fast}, as an operator restarts a server: every session is ended, its
     * transaction rolled back, and the server is back on the same port when this returns.
     */
    void restart() throws IOException, InterruptedException {
        // the log file too, or the server would write to this process's pipe and keep it open
        runAsOwner("pg_ctl", "-D", data(), "-l", log(), "-w", "-m", "fast", "restart");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
                runAsOwner("pg_ctl", "-D", data(), "-w", "-m", "immediate", "stop");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private String log() {
        return dir.resolve("server.log").toString();
    }

    private void runAsOwner(String tool, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (runsAsRoot()) {
            argv.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        argv.add(bin.resolve(tool).toString());
        argv.addAll(List.of(args));
        run(argv);
    }

    private void run(List<String> argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Where pg_ctl on the PATH really is: initdb is beside it (Debian links only some tools into /usr/bin). */
    private static Path binaries() throws IOException {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path pgCtl = Path.of(entry, "pg_ctl");
            if (!entry.isEmpty() && Files.isExecutable(pgCtl)) {
                return pgCtl.toRealPath().getParent();
            }
        }
        throw new IllegalStateException("no pg_ctl on the PATH: this test runs a PostgreSQL server of its own");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
