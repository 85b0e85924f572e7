package dev.shoehorn.backup.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What local mode uses, from {@code BW_LOCAL_*} environment variables with the defaults the
 * contract documents (Kafka 9092, S3 9000, HTTP 8080, bucket {@code shoehorn-backups}, prefix
 * {@code backups}), so that two stacks or a busy port can be worked around without editing
 * anything. The S3 secret is held here but never printed.
 *
 * @param dataDir where state that should survive a restart (the S3 objects) is kept
 * @param workerJar the worker's {@code quarkus-run.jar}, from the {@code bw.worker.jar} system property
 * @param backfillToken the bearer token the backfill stand-in expects; a secret, never printed
 * @param workerJavaOpts extra JVM options for the worker child ({@code BW_WORKER_JAVA_OPTS}, split on
 *        whitespace), e.g. {@code -Xmx256m} or {@code -Dbackup.targets.x.host=…}; they show in {@code ps}
 *        and the startup log, so they must never carry a secret
 */
record LocalSettings(int kafkaPort, int s3Port, int httpPort, Path dataDir, String bucket, String prefix,
        String region, String accessKey, String secretKey, Path workerJar, LocalPostgres postgres,
        List<String> workerJavaOpts, int backfillPort, String backfillToken, LocalRedis redis) {

    /** The target the demo backs up; the worker's {@code %local} profile declares it (protected, restorable). */
    static final String DEMO_DATABASE = "shoehorn_demo";
    /** The scratch target to restore into; declared restorable, not protected, in the same profile. */
    static final String RESTORE_DATABASE = "shoehorn_demo_restore";

    static LocalSettings fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new LocalSettings(
                port(env, "BW_LOCAL_KAFKA_PORT", 9092),
                port(env, "BW_LOCAL_S3_PORT", 9000),
                port(env, "BW_LOCAL_HTTP_PORT", 8080),
                Path.of(value(env, "BW_LOCAL_DATA", ".local-data")).toAbsolutePath().normalize(),
                value(env, "BW_LOCAL_BUCKET", "shoehorn-backups"),
                value(env, "BW_LOCAL_PREFIX", "backups"),
                value(env, "BW_LOCAL_REGION", "us-east-1"),
                value(env, "BW_LOCAL_S3_ACCESS_KEY", "local"),
                value(env, "BW_LOCAL_S3_SECRET_KEY", "local-secret"),
                Path.of(System.getProperty("bw.worker.jar", "target/quarkus-app/quarkus-run.jar")),
                LocalPostgres.fromEnvironment(),
                javaOpts(env.get("BW_WORKER_JAVA_OPTS")),
                port(env, "BW_LOCAL_BACKFILL_PORT", 8090),
                value(env, "BW_LOCAL_BACKFILL_TOKEN", "local-backfill-token"),
                new LocalRedis(value(env, "BW_LOCAL_REDIS_HOST", "127.0.0.1"), port(env, "BW_LOCAL_REDIS_PORT", 6379)));
    }

    /** {@code BW_WORKER_JAVA_OPTS} split on whitespace (no quoting: one option per word). */
    static List<String> javaOpts(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return List.of(value.trim().split("\\s+"));
    }

    private static String value(Map<String, String> env, String name, String defaultValue) {
        String value = env.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static int port(Map<String, String> env, String name, int defaultValue) {
        String value = value(env, name, Integer.toString(defaultValue));
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the variable's name
        }
        throw new IllegalArgumentException(name + " is not a port number: " + value);
    }

    /** Where the S3 server keeps its objects. */
    Path s3DataDir() {
        return dataDir.resolve("s3");
    }

    /** One line per setting, for the startup log; the secret shows only as {@code <set>}. */
    List<String> describe() {
        return List.of(
                "kafka port   " + kafkaPort + "   (BW_LOCAL_KAFKA_PORT)",
                "s3 port      " + s3Port + "   (BW_LOCAL_S3_PORT)",
                "http port    " + httpPort + "   (BW_LOCAL_HTTP_PORT)",
                "data dir     " + dataDir + "   (BW_LOCAL_DATA)",
                "s3 bucket    " + bucket + ", prefix " + prefix + ", region " + region
                        + "   (BW_LOCAL_BUCKET, BW_LOCAL_PREFIX, BW_LOCAL_REGION)",
                "s3 access    key=" + accessKey + " secret=<set>   (BW_LOCAL_S3_ACCESS_KEY, BW_LOCAL_S3_SECRET_KEY)",
                "postgresql   " + postgres + "   (PGHOST, PGPORT, PGUSER, PGPASSWORD)",
                "worker jar   " + workerJar + "   (-Dbw.worker.jar)",
                "backfill     stand-in on port " + backfillPort + ", token=<set>   (BW_LOCAL_BACKFILL_PORT,"
                        + " BW_LOCAL_BACKFILL_TOKEN)",
                "redis        " + redis + "   (BW_LOCAL_REDIS_HOST, BW_LOCAL_REDIS_PORT)",
                "worker opts  " + (workerJavaOpts.isEmpty() ? "none" : String.join(" ", workerJavaOpts))
                        + "   (BW_WORKER_JAVA_OPTS)");
    }

    /** Like {@link #describe()}: never shows the secret. */
    @Override
    public String toString() {
        return String.join("; ", describe());
    }
}
