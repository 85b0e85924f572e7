package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.config.ConfigResource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Only fresh, correctly keyed, allowed commands run, and each (kind, target, commandId) runs once
 * whatever its first outcome; a restore that failed after changing its target resumes. Each test
 * makes its own commands and needs no other test to have run.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class CommandTrustIT {

    private static Events events;
    private static Commands commands;
    private static TopicTail backupDeadLetters;
    private static TopicTail restoreDeadLetters;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
        backupDeadLetters = new TopicTail(WorkerStack.bootstrapServers(), "backup.commands.dlq");
        restoreDeadLetters = new TopicTail(WorkerStack.bootstrapServers(), "restore.commands.dlq");
    }

    @AfterAll
    static void disconnect() throws Exception {
        events.close();
        commands.close();
        backupDeadLetters.close();
        restoreDeadLetters.close();
        Files.deleteIfExists(WorkerStack.MIGRATION_BLOCKED);
    }

    @Test
    void aBackupCommandOlderThanItsMaximumAgeIsRefusedAndTheNextOneRuns() {
        // Given a backup command whose record is 25 hours old (a replayed topic, lost offsets)
        String old = Commands.newCommandId();
        String fresh = Commands.newCommandId();

        // When it is delivered, followed by a fresh one
        commands.sendAt("backup.commands", WorkerStack.SOURCE, Commands.backup(old, WorkerStack.SOURCE),
                Instant.now().minus(Duration.ofHours(25)));
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(fresh, WorkerStack.SOURCE));

        // Then the old one is refused with EXPIRED and dead-lettered, and the fresh one runs
        assertRejected(events.awaitJobEnd(old), "EXPIRED");
        assertThat(Events.types(events.awaitJobEnd(fresh))).last().isEqualTo("dev.shoehorn.backup.completed");
        assertDeadLettered(backupDeadLetters, old);
    }

    @Test
    void aRestoreOlderThanAnHourNeverTouchesItsTarget() throws Exception {
        // Given a restore command of two hours ago, and the target as it is
        String commandId = Commands.newCommandId();
        backupOfSource();
        var before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);

        // When it is delivered
        commands.sendAt("restore.commands", WorkerStack.RESTORE, Commands.restore(commandId, WorkerStack.RESTORE,
                WorkerStack.SOURCE, "latest", null), Instant.now().minus(Duration.ofHours(2)));

        // Then it is refused with EXPIRED, and the target is as it was
        assertRejected(events.awaitJobEnd(commandId), "EXPIRED");
        assertDeadLettered(restoreDeadLetters, commandId);
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
    }

    @Test
    void aCommandWhoseKeyIsNotItsTargetIsRefused() {
        // Given a backup of one target keyed by another
        String commandId = Commands.newCommandId();

        // When it is delivered
        commands.send("backup.commands", WorkerStack.RESTORE, Commands.backup(commandId, WorkerStack.SOURCE));

        // Then it is refused with KEY_MISMATCH, and its dead letter keeps the key it had
        assertRejected(events.awaitJobEnd(commandId), "KEY_MISMATCH");
        ConsumerRecord<String, byte[]> dead = assertDeadLettered(backupDeadLetters, commandId);
        assertThat(dead.key()).isEqualTo(WorkerStack.RESTORE);
    }

    @Test
    void aFailedCommandDeliveredAgainIsSkippedNamingTheFirstJobAndItsOutcome() {
        // Given a backup that failed for good (the role may not read the tables)
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.DENIED, Commands.backup(commandId, WorkerStack.DENIED));
        List<JsonNode> first = events.awaitJobEnd(commandId);
        assertThat(Events.types(first)).last().isEqualTo("dev.shoehorn.backup.failed");

        // When the same command is delivered again
        commands.send("backup.commands", WorkerStack.DENIED, Commands.backup(commandId, WorkerStack.DENIED));

        // Then it does not run again: skipped, naming the failed job and its outcome
        List<JsonNode> second = events.awaitJobEnd(commandId, 1);
        assertThat(Events.types(second)).last().isEqualTo("dev.shoehorn.backup.skipped");
        assertThat(Events.types(second)).doesNotContain("dev.shoehorn.backup.started");
        JsonNode skipped = second.get(second.size() - 1).path("data");
        assertThat(skipped.path("originalJobId").asText()).isEqualTo(first.get(0).path("data").path("jobId").asText());
        assertThat(skipped.path("originalOutcome").asText()).isEqualTo("FAILED");
    }

    @Test
    void theSameCommandIdForAnotherTargetOrKindIsAnotherCommand() {
        // Given a backup of the source that completed
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
        assertThat(Events.types(events.awaitJobEnd(commandId))).last().isEqualTo("dev.shoehorn.backup.completed");

        // When the same commandId names a backup of another target, and a restore
        commands.send("backup.commands", WorkerStack.PROTECTED, Commands.backup(commandId, WorkerStack.PROTECTED));
        List<JsonNode> otherTarget = events.awaitJobEnd(commandId, 1);
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(commandId, WorkerStack.RESTORE,
                WorkerStack.SOURCE, "latest", null));
        List<JsonNode> otherKind = events.awaitJobEnd(commandId, 2);

        // Then each runs as a command of its own
        assertThat(Events.types(otherTarget)).last().isEqualTo("dev.shoehorn.backup.completed");
        assertThat(Events.types(otherKind)).last().isEqualTo("dev.shoehorn.restore.completed");
    }

    @Test
    void aSourceTheTargetDoesNotAllowIsRefused() {
        // Given a configured target that is not among the restore target's allowed sources
        String denied = Commands.newCommandId();
        String unknown = Commands.newCommandId();

        // When restores from it, and from a target that is not configured, are sent
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(denied, WorkerStack.RESTORE,
                WorkerStack.DENIED, "latest", null));
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(unknown, WorkerStack.RESTORE,
                "nowhere", "latest", null));

        // Then both are refused before anything is looked up
        assertRejected(events.awaitJobEnd(denied), "SOURCE_NOT_ALLOWED");
        assertRejected(events.awaitJobEnd(unknown), "UNKNOWN_TARGET");
    }

    @Test
    void aRestoreThatFailedAfterChangingItsTargetSaysSoAndResumesWhenSentAgain() throws Exception {
        // Given an archive of the source, and a restore whose migration fails once
        backupOfSource();
        String commandId = Commands.newCommandId();
        Files.createDirectories(WorkerStack.MIGRATION_BLOCKED.getParent());
        Files.writeString(WorkerStack.MIGRATION_BLOCKED, "blocked");
        String restore = Commands.restore(commandId, WorkerStack.RESTORE, WorkerStack.SOURCE, "latest", null, true);

        // When it runs
        commands.send("restore.commands", WorkerStack.RESTORE, restore);
        List<JsonNode> first = events.awaitJobEnd(commandId);

        // Then it fails after restore.applied, saying the target changed
        assertThat(Events.types(first)).contains("dev.shoehorn.restore.applied").last()
                .isEqualTo("dev.shoehorn.restore.failed");
        JsonNode failed = first.get(first.size() - 1).path("data");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("MIGRATION_FAILED");
        assertThat(failed.path("targetChanged").asBoolean()).isTrue();

        // And when the same command is sent again once the migration can run
        Files.delete(WorkerStack.MIGRATION_BLOCKED);
        commands.send("restore.commands", WorkerStack.RESTORE, restore);
        List<JsonNode> second = events.awaitJobEnd(commandId, 1);

        // Then it resumes with the remaining steps, never applying the archive again
        try {
            assertThat(Events.types(second)).containsExactly("dev.shoehorn.restore.accepted",
                    "dev.shoehorn.restore.migrated", "dev.shoehorn.restore.rls-verified",
                    "dev.shoehorn.restore.completed");
        } finally {
            sql(WorkerStack.RESTORE_DB, "DROP TABLE IF EXISTS migrated");
        }
    }

    @Test
    void aRefusedRecordIsCommittedOnlyOnceItsDeadLetterIsWritten() throws Exception {
        // Given a dead-letter topic that refuses every record, and a refused record followed by a good one
        String good = Commands.newCommandId();
        byte[] bad = ("not json " + "x".repeat(300)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                WorkerStack.bootstrapServers()))) {
            maxMessageBytes(admin, "100");
            try {
                // When both are delivered
                commands.send("backup.commands", WorkerStack.SOURCE, bad);
                commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(good, WorkerStack.SOURCE));

                // Then the worker keeps trying to write the dead letter, and meanwhile the partition
                // waits: the refused record is not committed without its copy
                await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files
                        .readString(java.nio.file.Path.of("target/it-worker.log")).contains("stage=dead-letter-retry"));
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                        .until(() -> events.ofCommand(good).isEmpty());
            } finally {
                maxMessageBytes(admin, null);
            }
        }

        // And once the dead-letter topic takes records again, the copy lands and the good one runs
        await().atMost(Duration.ofSeconds(30)).until(() -> !backupDeadLetters
                .matching(r -> java.util.Arrays.equals(bad, r.value())).isEmpty());
        assertThat(Events.types(events.awaitJobEnd(good))).last().isEqualTo("dev.shoehorn.backup.completed");
    }

    /** Sets (or, with null, removes) the dead-letter topic's max.message.bytes. */
    private static void maxMessageBytes(Admin admin, String value) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic("backup.commands.dlq", 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "backup.commands.dlq");
        AlterConfigOp op = value == null
                ? new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE)
                : new AlterConfigOp(new ConfigEntry("max.message.bytes", value), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
    }

    private static void sql(String database, String statement) throws Exception {
        try (var connection = WorkerStack.postgres().connect(database); var st = connection.createStatement()) {
            st.execute(statement);
        }
    }

    private static void backupOfSource() {
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
        assertThat(Events.types(events.awaitJobEnd(commandId))).last().isEqualTo("dev.shoehorn.backup.completed");
    }

    private static void assertRejected(List<JsonNode> job, String code) {
        assertThat(job).hasSize(1);
        assertThat(job.get(0).path("type").asText()).endsWith(".rejected");
        assertThat(job.get(0).path("data").path("error").path("code").asText()).isEqualTo(code);
        assertThat(job.get(0).path("data").path("error").path("retryable").asBoolean()).isFalse();
    }

    private static ConsumerRecord<String, byte[]> assertDeadLettered(TopicTail deadLetters, String commandId) {
        JsonNode rejected = events.ofCommand(commandId).get(0);
        String jobId = rejected.path("data").path("jobId").asText();
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> deadLetters.matching(r -> jobId.equals(TopicTail.header(r, "job.id"))),
                        l -> !l.isEmpty())
                .get(0);
    }
}
