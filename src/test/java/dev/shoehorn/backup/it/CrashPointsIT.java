package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalKafka;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;

/**
 * A worker that dies between any two steps of a job (the commit point written, the terminal event
 * out, the record finished, the offset committed) still leaves exactly one archive (or one applied
 * restore) and one terminal event per command: the worker is halted at each crash point by its
 * fault hook ({@code backup.faults.halt-at}), and a second worker of the group takes the command over.
 */
class CrashPointsIT {

    private static final String SOURCE = "it_crash";
    private static final String RESTORE = "it_crash_restore";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String SOURCE_DB = "bw_it_crash_" + SUFFIX;
    private static final String RESTORE_DB = "bw_it_crash_restore_" + SUFFIX;
    private static final String BUCKET = "bw-it-crash-" + SUFFIX;
    private static final String SECRET = "crash-secret-" + SUFFIX;
    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();
    private static final Duration HALT = Duration.ofSeconds(90);

    private static LocalKafka kafka;
    private static LocalS3 s3;
    private static Events events;
    private static Commands commands;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.start(0);
        kafka.createTopics(Map.of("backup.commands", 1, "restore.commands", 1, "backup.progress", 1,
                "backup.commands.dlq", 1, "restore.commands.dlq", 1));
        s3 = LocalS3.start(0, null, "crash", SECRET, UnaryOperator.identity());
        s3.createBucket(BUCKET);
        DemoDatabase.ensureDemo(PG, SOURCE_DB);
        DemoDatabase.ensureEmpty(PG, RESTORE_DB);
        events = new Events(kafka.bootstrapServers());
        commands = new Commands(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        events.close();
        commands.close();
        DemoDatabase.drop(PG, SOURCE_DB);
        DemoDatabase.drop(PG, RESTORE_DB);
        s3.deleteBucket(BUCKET);
        s3.close();
        kafka.close();
    }

    @ParameterizedTest(name = "halted {0}")
    @ValueSource(strings = { "after-manifest", "after-terminal-event", "after-record" })
    void aBackupInterruptedAtAnyStepEndsWithOneArchiveAndOneCompletedEvent(String point) throws Exception {
        // Given a worker that halts at the crash point
        String commandId = Commands.newCommandId();
        try (WorkerJvm a = worker("backup-" + point, point)) {
            // When it takes a backup and dies there
            commands.send("backup.commands", SOURCE, Commands.backup(commandId, SOURCE));
            assertThat(a.awaitExit(HALT)).isEqualTo(137);
        }

        // Then another worker of the group finishes the command without a second archive
        try (WorkerJvm b = worker("backup-" + point + "-b", null)) {
            List<JsonNode> last = events.awaitJobEnd(commandId, terminalEvents(commandId));
            assertThat(last.get(0).path("source").asText()).isEqualTo("backup-worker/backup-" + point + "-b");
        }
        assertThat(count(commandId, "dev.shoehorn.backup.completed")).isEqualTo(1);
        assertThat(manifestsOf(commandId)).hasSize(1);
    }

    @ParameterizedTest(name = "halted {0}")
    @ValueSource(strings = { "after-apply", "after-terminal-event", "after-record" })
    void aRestoreInterruptedAtAnyStepIsAppliedOnceAndCompletedOnce(String point) throws Exception {
        // Given an archive of the source, and a worker that halts at the crash point of a restore
        try (WorkerJvm maker = worker("archive-" + point, null)) {
            String backup = Commands.newCommandId();
            commands.send("backup.commands", SOURCE, Commands.backup(backup, SOURCE));
            assertThat(Events.types(events.awaitJobEnd(backup))).last().isEqualTo("dev.shoehorn.backup.completed");
        }
        String commandId = Commands.newCommandId();
        try (WorkerJvm a = worker("restore-" + point, point)) {
            // When it restores and dies there
            commands.send("restore.commands", RESTORE, Commands.restore(commandId, RESTORE, SOURCE, "latest", null));
            assertThat(a.awaitExit(HALT)).isEqualTo(137);
        }

        // Then another worker finishes it: the archive applied once, one completed event
        try (WorkerJvm b = worker("restore-" + point + "-b", null)) {
            events.awaitJobEnd(commandId, terminalEvents(commandId));
        }
        // pg_restore ran once: one job started it; the other resumed after it or skipped
        assertThat(count(commandId, "dev.shoehorn.restore.started")).isEqualTo(1);
        assertThat(count(commandId, "dev.shoehorn.restore.completed")).isEqualTo(1);
        assertThat(DatabaseFingerprint.of(PG, RESTORE_DB)).isEqualTo(DatabaseFingerprint.of(PG, SOURCE_DB));
    }

    /** Terminal events of the command so far: the next one to wait for is the one after them. */
    private static int terminalEvents(String commandId) {
        return (int) events.ofCommand(commandId).stream()
                .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).count();
    }

    private static long count(String commandId, String type) {
        return events.ofCommand(commandId).stream().filter(e -> type.equals(e.path("type").asText())).count();
    }

    private static WorkerJvm worker(String name, String haltAt) throws Exception {
        Map<String, String> properties = WorkerJvm.withTarget(WorkerJvm.withTarget(
                WorkerJvm.settings(name, kafka.bootstrapServers(), s3, BUCKET), SOURCE, PG, SOURCE_DB),
                RESTORE, PG, RESTORE_DB);
        properties.put("backup.targets." + RESTORE + ".restorable", "true");
        properties.put("backup.targets." + RESTORE + ".allowed-sources", SOURCE);
        properties.put("mp.messaging.incoming.restore-commands.session.timeout.ms", "6000");
        properties.put("mp.messaging.incoming.restore-commands.heartbeat.interval.ms", "1000");
        if (haltAt != null) {
            properties.put("backup.faults.halt-at", haltAt);
        }
        return WorkerJvm.start(name, properties,
                Map.of("BACKUP_STORAGE_ACCESS_KEY_ID", "crash", "BACKUP_STORAGE_SECRET_ACCESS_KEY", SECRET));
    }

    private static List<String> manifestsOf(String commandId) {
        return s3.blobStore().list(BUCKET).contents().stream()
                .map(o -> o.key())
                .filter(k -> k.endsWith(".manifest.json"))
                .filter(k -> new String(read(k)).contains(commandId))
                .toList();
    }

    private static byte[] read(String key) {
        try (var in = s3.blobStore().getBlob(BUCKET, key)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
