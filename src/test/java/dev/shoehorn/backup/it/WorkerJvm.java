package dev.shoehorn.backup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;

/**
 * The packaged worker ({@code target/quarkus-app}) as a process of its own, so that a test can
 * kill it the way an orchestrator or an OOM killer would. Non-secret settings go on its command
 * line, secrets through its environment.
 */
public final class WorkerJvm implements AutoCloseable {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private final String name;
    private final Process process;
    private final Path log;

    private WorkerJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Settings of a worker named {@code name} on the given broker and S3 server, ready for targets to be added. */
    public static Map<String, String> settings(String name, String bootstrapServers, LocalS3 s3, String bucket) {
        Map<String, String> properties = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                "quarkus.http.port", "0",
                "quarkus.log.console.json.enabled", "false",
                "backup.progress.instance", name,
                "backup.storage.endpoint", s3.endpoint().toString(),
                "backup.storage.path-style", "true",
                "backup.storage.bucket", bucket,
                "mp.messaging.incoming.backup-commands.session.timeout.ms", "6000",
                "mp.messaging.incoming.backup-commands.heartbeat.interval.ms", "1000"));
        // what these tests kill, halt and cut off is the job path: the event archive, the scheduler and the
        // status page's reader would only add consumers, commands and start-up time to every worker process
        properties.put("backup.event-archive.enabled", "false");
        properties.put("backup.ui.enabled", "false");
        properties.put("backup.schedule.enabled", "false");
        // a graceful stop sleeps twice the poll timeout per consumer channel: 0.5 s instead of 2 s each
        properties.put("mp.messaging.connector.smallrye-kafka.poll-timeout", "250");
        return properties;
    }

    /** Adds a target on the local PostgreSQL, connecting without a password (trust auth). */
    public static Map<String, String> withTarget(Map<String, String> properties, String target, LocalPostgres pg,
            String database) {
        String t = "backup.targets." + target + ".";
        properties.put(t + "host", pg.host());
        properties.put(t + "port", Integer.toString(pg.port()));
        properties.put(t + "database", database);
        properties.put(t + "user", pg.user());
        return properties;
    }

    public static WorkerJvm start(String name, Map<String, String> properties, Map<String, String> env)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the worker is packaged before integration tests run");
        }
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // these workers live for seconds and move little data: start-up is their cost, so C1 only and
        // the serial collector (as the CLI runs), which on two cores starts a Quarkus worker sooner
        argv.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        properties.forEach((k, v) -> argv.add("-D" + k + "=" + v));
        argv.add("-jar");
        argv.add(JAR.toString());
        Path log = Path.of("target", "worker-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new WorkerJvm(name, builder.start(), log);
    }

    /** SIGKILL: no shutdown hook runs, nothing is cleaned up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a pod; waits for the exit. */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM to every one at once, then waits for each exit: their graceful stops overlap. */
    public static void terminateAll(List<WorkerJvm> workers) throws InterruptedException {
        workers.forEach(w -> w.process.destroy());
        for (WorkerJvm worker : workers) {
            worker.close();
        }
    }

    /** Waits for the process to end by itself (a crash point halts it); returns its exit code. */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the worker did not stop within " + timeout);
        }
        return process.exitValue();
    }

    /** The name it was started with: its events' source is {@code backup-worker/<name>}. */
    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}
