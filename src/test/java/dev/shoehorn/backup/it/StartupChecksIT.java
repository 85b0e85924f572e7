package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.shoehorn.backup.local.LocalKafka;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;
import dev.shoehorn.backup.testing.FakePgTools;

/**
 * The worker's start-up checks in worker processes of their own: configured wrong, {@code serve}
 * stops within seconds with one message naming every problem; configured right,
 * {@code ./backup-worker check} says so with the configuration in effect and exits 0.
 */
class StartupChecksIT {

    private static final String ACCESS_KEY = "startup-check";
    private static final String SECRET_KEY = "startup-check-secret";
    private static final String BUCKET = "startup-checks";
    private static LocalS3 s3;
    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();

    @TempDir
    Path dir;

    @BeforeAll
    static void startStorage() {
        s3 = LocalS3.start(0, null, ACCESS_KEY, SECRET_KEY, UnaryOperator.identity());
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopStorage() {
        s3.deleteBucket(BUCKET);
        s3.close();
    }

    @Test
    void aWorkerConfiguredWrongStopsWithinSecondsNamingEveryProblem() throws Exception {
        // Given a worker whose broker is not there, whose bucket does not exist, one of whose targets
        // names a database that does not exist, whose only pg_dump is older than the server, and whose
        // drill schedule has six fields (a seconds field, as in CNPG: it would drill every minute),
        Map<String, String> settings = WorkerJvm.settings("startup-wrong", "127.0.0.1:" + closedPort(), s3, "no-such-bucket");
        WorkerJvm.withTarget(settings, "ghost", PG, "bw_no_such_database");
        WorkerJvm.withTarget(settings, "old_tools", PG, "postgres");
        settings.put("backup.targets.old_tools.drill.schedule", "0 0 3 * * 0");
        // and whose abandoned uploads would be aborted while their jobs still run
        settings.put("backup.storage.abandoned-upload-age", "1m");
        settings.put("backup.pg.bin-dirs", FakePgTools.in(dir, "pg-13", "13.9").toString());
        settings.put("backup.startup.check-timeout", "2s");

        // When it is started
        long started = System.nanoTime();
        try (WorkerJvm worker = WorkerJvm.start("startup-wrong", settings, credentials())) {
            int exit = worker.awaitExit(Duration.ofSeconds(60));

            // Then it exits, failed, within seconds
            assertThat(exit).isNotZero();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            // with one line that names all six problems
            List<String> lines = worker.output().lines().filter(l -> l.contains("stage=startup-checks")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("6 problem(s)")
                    .contains("backup.storage.abandoned-upload-age (PT1M) must exceed backup.jobs.timeout")
                    .contains("backup.targets.old_tools.drill.schedule/.schedule-zone: ")
                    .contains("kafka: no broker answered at 127.0.0.1:")
                    .contains("storage: bucket no-such-bucket does not exist")
                    .contains("target ghost: ").contains("bw_no_such_database")
                    .contains("target old_tools: ").contains("13.9")
                    .doesNotContain(SECRET_KEY);
        }
    }

    @Test
    void checkWithTheRightConfigurationSaysSoAndExitsZero() throws Exception {
        // Given a broker, the bucket and a reachable target, in a configuration file
        try (LocalKafka kafka = LocalKafka.start(0)) {
            Path properties = dir.resolve("application.properties");
            Files.writeString(properties, String.join("\n",
                    "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "backup.storage.endpoint=" + s3.endpoint(),
                    "backup.storage.path-style=true",
                    "backup.storage.bucket=" + BUCKET,
                    "backup.targets.main.host=" + PG.host(),
                    "backup.targets.main.port=" + PG.port(),
                    "backup.targets.main.database=postgres",
                    "backup.targets.main.user=" + PG.user(),
                    "backup.targets.main.schedule=30 1 * * *"), StandardCharsets.UTF_8);

            // When ./backup-worker check runs with it
            ProcessBuilder builder = new ProcessBuilder("./backup-worker", "check").redirectErrorStream(true);
            builder.environment().putAll(credentials());
            builder.environment().put("QUARKUS_CONFIG_LOCATIONS", properties.toString());
            Process check = builder.start();
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();

            // Then it passes and prints the configuration in effect, secrets left out
            assertThat(check.exitValue()).as(out).isZero();
            assertThat(out).contains("ok: targets=\"main@" + PG.host() + ":" + PG.port() + "/postgres\"")
                    .contains("schedules=\"main:30 1 * * *\"").contains("drills=\"main:off\"")
                    .contains("bucket=" + BUCKET)
                    .contains("topics=backup.commands,restore.commands,backup.progress")
                    .doesNotContain("problem").doesNotContain(SECRET_KEY);
        }
    }

    private static Map<String, String> credentials() {
        return Map.of("BACKUP_STORAGE_ACCESS_KEY_ID", ACCESS_KEY, "BACKUP_STORAGE_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** A port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
