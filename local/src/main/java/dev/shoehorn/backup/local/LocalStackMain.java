package dev.shoehorn.backup.local;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Local mode: everything the worker needs on one machine without Docker. Starts Kafka and an S3
 * server in this JVM, makes sure the demo databases exist on the local PostgreSQL, and runs the
 * worker as a child process against them, with a stand-in of the search backfill API and the
 * local Redis for the post-restore reactions. {@code local} keeps it all running until Ctrl-C;
 * {@code demo} runs the operations guide's runbook end to end (backup, restore, checks, backfill,
 * cache flush) and exits 0 or 1.
 */
public final class LocalStackMain {

    /** The contract's topics; commands and progress are spread by target over 3 partitions. */
    static final Map<String, Integer> TOPICS = topics();

    private final LocalSettings settings;
    private final PrintStream out;
    private volatile LocalKafka kafka;
    private volatile LocalS3 s3;
    private volatile BackfillStandIn backfill;
    private volatile boolean cacheReachable;
    private volatile LocalSigningKey signing;
    private volatile WorkerProcess worker;
    private volatile boolean stopping;

    private LocalStackMain(LocalSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    private static Map<String, Integer> topics() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put("backup.commands", 3);
        topics.put("restore.commands", 3);
        topics.put("backup.progress", 3);
        topics.put("backup.commands.dlq", 1);
        topics.put("restore.commands.dlq", 1);
        return topics;
    }

    public static void main(String[] args) {
        String mode = args.length == 1 ? args[0] : "";
        if (!mode.equals("local") && !mode.equals("demo")) {
            System.err.println("usage: java -jar backup-worker-local.jar local|demo");
            System.exit(2);
        }
        LocalSettings settings;
        try {
            settings = LocalSettings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("backup-worker " + mode + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalStackMain stack = new LocalStackMain(settings, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "local-stack-shutdown"));
        int exitCode;
        try {
            stack.start();
            exitCode = mode.equals("demo") ? stack.runDemo() : stack.runLocal();
        } catch (Exception e) {
            System.err.println("backup-worker " + mode + " failed: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
            exitCode = 1;
        }
        System.exit(exitCode); // the shutdown hook stops whatever is still running
    }

    private void start() throws IOException {
        out.println("backup-worker local stack");
        settings.describe().forEach(line -> out.println("  " + line));
        WorkerProcess.checkJar(settings.workerJar());

        LocalPostgres pg = settings.postgres();
        String demoDb;
        String restoreDb;
        try {
            demoDb = databaseStatus(DemoDatabase.ensureDemo(pg, LocalSettings.DEMO_DATABASE), "filled with demo data");
            restoreDb = databaseStatus(DemoDatabase.ensureEmpty(pg, LocalSettings.RESTORE_DATABASE), "empty");
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL " + pg + " (PGHOST, PGPORT, PGUSER, PGPASSWORD): "
                    + e.getMessage(), e);
        }

        kafka = LocalKafka.startKept(settings.kafkaPort(), settings.dataDir().resolve("kafka"));
        kafka.createTopics(TOPICS);
        s3 = LocalS3.start(settings.s3Port(), settings.s3DataDir(), settings.accessKey(), settings.secretKey(),
                UnaryOperator.identity());
        s3.createBucket(settings.bucket());
        backfill = BackfillStandIn.start(settings.backfillPort(), settings.backfillToken(), out);
        cacheReachable = settings.redis().reachable();
        signing = LocalSigningKey.ensure(settings.dataDir());

        out.println();
        out.println("running");
        out.println("  kafka        " + kafka.bootstrapServers() + "  topics " + String.join(", ", TOPICS.keySet()));
        out.println("  s3           " + s3.endpoint() + "  bucket " + settings.bucket() + ", prefix "
                + settings.prefix() + ", region " + settings.region() + ", path-style, key " + settings.accessKey());
        out.println("  s3 data      " + settings.s3DataDir() + " (kept across restarts)");
        out.println("  kafka data   " + settings.dataDir().resolve("kafka") + " (kept across restarts)");
        out.println("  http         http://127.0.0.1:" + settings.httpPort() + "/q/health, /q/metrics");
        out.println("  backfill     " + backfill.api() + "/api/v1/admin/backfill (stand-in of the search API)");
        out.println("  redis        " + settings.redis() + (cacheReachable ? " (cache flush after restores)"
                : " NOT REACHABLE: the cache-flush reaction is off (start Redis, or set BW_LOCAL_REDIS_HOST/PORT)"));
        out.println("  signing      " + signing.describe());
        out.println("  postgresql   " + pg);
        out.println("  databases    " + LocalSettings.DEMO_DATABASE + " (" + demoDb + "), "
                + LocalSettings.RESTORE_DATABASE + " (" + restoreDb + ")");

        worker = WorkerProcess.start(settings, kafka.bootstrapServers(), s3.endpoint(), backfill.api(), cacheReachable,
                signing);
        out.println("  worker       pid " + worker.pid() + ", profile local, " + settings.workerJar());
        out.println();
    }

    private static String databaseStatus(boolean created, String what) {
        return created ? "created, " + what : "found, left as it is";
    }

    private int runLocal() throws InterruptedException {
        out.println("publish a backup command, then watch the progress events:");
        out.println("  echo '{\"commandId\":\"'$(uuidgen)'\",\"target\":\"" + LocalSettings.DEMO_DATABASE
                + "\",\"requestedBy\":\"me\"}' \\");
        out.println("    | kcat -P -b " + kafka.bootstrapServers() + " -t backup.commands -k "
                + LocalSettings.DEMO_DATABASE);
        out.println("  kcat -C -b " + kafka.bootstrapServers() + " -t backup.progress -o end -u");
        out.println("restore the newest archive into " + LocalSettings.RESTORE_DATABASE + ":");
        out.println("  echo '{\"commandId\":\"'$(uuidgen)'\",\"target\":\"" + LocalSettings.RESTORE_DATABASE
                + "\",\"sourceTarget\":\"" + LocalSettings.DEMO_DATABASE + "\",\"requestedBy\":\"me\"}' \\");
        out.println("    | kcat -P -b " + kafka.bootstrapServers() + " -t restore.commands -k "
                + LocalSettings.RESTORE_DATABASE);
        out.println("Ctrl-C stops the worker, S3 and Kafka.");
        out.println();
        int exitCode = worker.waitFor();
        if (!stopping) {
            out.println("the worker exited with code " + exitCode);
        }
        return exitCode;
    }

    private int runDemo() throws InterruptedException {
        return new DemoRun(settings, kafka.bootstrapServers(), s3.endpoint(), cacheReachable, signing.signer(), out)
                .run(worker);
    }

    /**
     * Stops the worker first (so it never loses Kafka or S3 mid-job), then S3, then Kafka. Runs
     * once, from the shutdown hook, on Ctrl-C as on a normal exit.
     */
    private synchronized void stop() {
        if (stopping || (worker == null && s3 == null && kafka == null)) {
            return;
        }
        stopping = true;
        out.println();
        out.println("stopping ...");
        if (worker != null) {
            try {
                worker.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (backfill != null) {
            closeQuietly("the backfill stand-in", backfill);
        }
        if (s3 != null) {
            closeQuietly("S3", s3);
        }
        if (kafka != null) {
            closeQuietly("Kafka", kafka);
        }
        out.println("stopped");
    }

    private static void closeQuietly(String what, AutoCloseable component) {
        try {
            component.close();
        } catch (Exception e) {
            System.err.println("stopping " + what + " failed: " + e.getMessage());
        }
    }
}
