package dev.shoehorn.backup.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker, run as a child JVM against the local stack, exactly as it runs in production (its
 * own classpath, its {@code %local} profile). Endpoints and ports go on its command line, followed
 * by the options of {@code BW_WORKER_JAVA_OPTS}; the S3 keys and the backfill token go through its environment, and
 * the signing key as the path of its 0600 file, so that they never show in {@code ps}.
 */
final class WorkerProcess {

    private static final long GRACE_SECONDS = 30;

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    /** Checks that the worker has been built, before anything else is started. */
    static void checkJar(Path workerJar) {
        if (!Files.isRegularFile(workerJar)) {
            throw new IllegalStateException("worker jar not found: " + workerJar.toAbsolutePath()
                    + " (build it with ./mvnw -DskipTests package, or start with ./backup-worker local)");
        }
    }

    /**
     * The worker's memory settings, as {@code ./backup-worker serve} gives them (docs/performance.md,
     * "Memory budget"): a serial collector that returns what it does not use, a heap for two jobs'
     * part buffers; {@code BW_WORKER_JAVA_OPTS} comes after and wins.
     */
    static final List<String> MEMORY_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx192m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");
    /** glibc's arenas bounded, and large blocks given back, for zstd's threads; set variables win. */
    static final java.util.Map<String, String> MALLOC = java.util.Map.of("MALLOC_ARENA_MAX", "2",
            "MALLOC_MMAP_THRESHOLD_", "262144", "MALLOC_TRIM_THRESHOLD_", "1048576");

    /**
     * @param backfillApi where the backfill reaction finds the search API (the stand-in)
     * @param cacheReachable whether the cache-flush reaction can work (Redis answers)
     * @param signing the key pair the worker signs its events with and trusts (its reactions require signed events)
     */
    static WorkerProcess start(LocalSettings settings, String bootstrapServers, URI s3Endpoint, URI backfillApi,
            boolean cacheReachable, LocalSigningKey signing) throws IOException {
        checkJar(settings.workerJar());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java));
        argv.addAll(MEMORY_OPTIONS);
        argv.addAll(List.of(
                "-Dquarkus.profile=local",
                "-Dkafka.bootstrap.servers=" + bootstrapServers,
                "-Dbackup.storage.endpoint=" + s3Endpoint,
                "-Dbackup.storage.bucket=" + settings.bucket(),
                "-Dbackup.storage.prefix=" + settings.prefix(),
                "-Dbackup.storage.region=" + settings.region(),
                "-Dquarkus.http.port=" + settings.httpPort(),
                "-Dbackup.reactions.backfill.api=" + backfillApi,
                "-Dbackup.reactions.cache.enabled=" + cacheReachable,
                "-Dquarkus.redis.hosts=redis://" + settings.redis(),
                "-Dbackup.signing.key-id=" + LocalSigningKey.KEY_ID,
                "-Dbackup.signing.private-key-file=" + signing.privateKeyFile(),
                "-Dbackup.signing.public-keys." + LocalSigningKey.KEY_ID + "=" + signing.publicKeyBase64(),
                "-Dbackup.reactions.require-signed-events=true"));
        // BW_WORKER_JAVA_OPTS: JVM options and extra (non-secret) config, after ours so that a -D wins
        argv.addAll(settings.workerJavaOpts());
        argv.add("-jar");
        argv.add(settings.workerJar().toString());
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        MALLOC.forEach(builder.environment()::putIfAbsent);
        builder.environment().put("BACKUP_STORAGE_ACCESS_KEY_ID", settings.accessKey());
        builder.environment().put("BACKUP_STORAGE_SECRET_ACCESS_KEY", settings.secretKey());
        builder.environment().put("BACKUP_REACTIONS_BACKFILL_TOKEN", settings.backfillToken());
        return new WorkerProcess(builder.start());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the worker to exit on its own; returns its exit code. */
    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** The exit code, once the worker has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /**
     * Asks the worker to shut down (SIGTERM), so it can finish or abort its jobs cleanly, and kills
     * it when it has not exited after 30 seconds.
     *
     * @return the worker's exit code
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.waitFor();
    }
}
