package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.contract.ContractSchemas;
import dev.shoehorn.backup.local.DemoDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;

/** The restore path end to end: an archive of one database restored into another, verified. */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestorePathIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Events events;
    private static Commands commands;
    private static TopicTail deadLetters;
    private static S3Client s3;
    /** The archive of the source all restores use. */
    private static String archiveKey;
    private static ArchiveCopies copies;

    @BeforeAll
    static void backUpTheSource() throws Exception {
        // The restore target as these tests expect it: empty, and without archives of its own,
        // whatever other test classes on the same stack left
        DemoDatabase.drop(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        DemoDatabase.ensureEmpty(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        try (S3Client client = WorkerStack.s3Client()) {
            client.listObjectsV2Paginator(b -> b.bucket(WorkerStack.BUCKET)
                    .prefix(WorkerStack.PREFIX + "/" + WorkerStack.RESTORE + "/")).contents()
                    .forEach(o -> client.deleteObject(b -> b.bucket(WorkerStack.BUCKET).key(o.key())));
        }
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
        deadLetters = new TopicTail(WorkerStack.bootstrapServers(), "restore.commands.dlq");
        s3 = WorkerStack.s3Client();
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
        List<JsonNode> backup = events.awaitJobEnd(commandId);
        assertThat(Events.types(backup)).last().isEqualTo("dev.shoehorn.backup.completed");
        archiveKey = backup.get(backup.size() - 1).path("data").path("archive").path("key").asText();
        copies = new ArchiveCopies(s3, archiveKey);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        commands.close();
        deadLetters.close();
        s3.close();
    }

    @Test
    @Order(1)
    void aRestoreMakesTheTargetEqualToTheSourceAndChecksRowLevelSecurity() throws Exception {
        // Given an empty restorable target and a complete archive of the source
        String commandId = Commands.newCommandId();

        // When the latest archive of the source is restored into it
        List<JsonNode> job = restore(commandId, WorkerStack.RESTORE, "latest", null);

        // Then every stage is reported in order, and the target holds exactly the source's tables and rows
        assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.restore.accepted",
                "dev.shoehorn.restore.started", "dev.shoehorn.restore.verified", "dev.shoehorn.restore.applied",
                "dev.shoehorn.restore.rls-verified", "dev.shoehorn.restore.completed");
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.restore.completed");
        assertThat(job).extracting(e -> e.path("data").path("seq").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, job.size()).boxed().toList());
        assertThat(job.get(job.size() - 1).path("data").path("archive").path("key").asText()).isEqualTo(archiveKey);
        JsonNode rls = job.stream().filter(e -> e.path("type").asText().endsWith(".rls-verified")).findFirst()
                .orElseThrow();
        assertThat(rls.path("data").path("rlsTables")).extracting(JsonNode::asText)
                .contains("public.projects", "public.documents");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB))
                .isEqualTo(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.SOURCE_DB));
    }

    @Test
    @Order(2)
    void aTamperedArchiveFailsAndLeavesTheTargetAsItWas() throws Exception {
        // Given a target holding data, and an archive whose bytes no longer match its manifest
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        byte[] dump = copies.bytes();
        dump[dump.length / 2] ^= 0x5A;
        String tampered = copies.copy(dump, "20000101_000001");

        // When it is restored
        List<JsonNode> job = restore(Commands.newCommandId(), WorkerStack.RESTORE, tampered, null);

        // Then the restore fails as corrupt and the target is untouched, as the event says
        JsonNode failed = Events.assertRestoreFailed(job, "ARCHIVE_CORRUPT");
        assertThat(failed.path("data").path("targetChanged").isBoolean()).isTrue();
        assertThat(failed.path("data").path("targetChanged").asBoolean()).isFalse();
        assertThat(Events.types(job)).doesNotContain("dev.shoehorn.restore.verified", "dev.shoehorn.restore.applied");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
    }

    @Test
    @Order(3)
    void aTruncatedArchiveFailsAndLeavesTheTargetAsItWas() throws Exception {
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        byte[] dump = copies.bytes();
        String truncated = copies.copy(Arrays.copyOf(dump, dump.length - 1000), "20000101_000002");

        List<JsonNode> job = restore(Commands.newCommandId(), WorkerStack.RESTORE, truncated, null);

        Events.assertRestoreFailed(job, "ARCHIVE_CORRUPT");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
    }

    @Test
    @Order(4)
    void pgRestoreFailingPartWayLeavesTheTargetAsItWas() throws Exception {
        // Given a target where a view of the target's own depends on a table the archive drops and re-creates
        sql(WorkerStack.RESTORE_DB, "CREATE VIEW keep_documents AS SELECT * FROM documents");
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        try {
            // When the archive is restored, pg_restore fails part-way (cannot drop the table)
            List<JsonNode> job = restore(Commands.newCommandId(), WorkerStack.RESTORE, "latest", null);

            // Then the job fails with pg_restore's reason and the single transaction leaves the target unchanged
            JsonNode failed = Events.assertRestoreFailed(job, "PG_RESTORE_FAILED");
            assertThat(failed.path("data").path("error").path("message").asText()).contains("depend");
            assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
        } finally {
            sql(WorkerStack.RESTORE_DB, "DROP VIEW keep_documents");
        }
    }

    @Test
    @Order(5)
    void aProtectedTargetIsRestoredOnlyWithConfirmation() throws Exception {
        // Given a protected target with data of its own
        sql(WorkerStack.PROTECTED_DB, "CREATE TABLE IF NOT EXISTS sentinel (id int); INSERT INTO sentinel VALUES (1)");
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.PROTECTED_DB);

        // When a restore names it without confirm, or with the wrong confirm
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.PROTECTED, WorkerStack.SOURCE, "latest", null),
                "CONFIRMATION_REQUIRED");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.PROTECTED, WorkerStack.SOURCE, "latest",
                WorkerStack.RESTORE), "CONFIRMATION_REQUIRED");

        // Then it is refused and untouched
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.PROTECTED_DB)).isEqualTo(before);

        // And with the confirmation the restore runs
        List<JsonNode> job = restore(Commands.newCommandId(), WorkerStack.PROTECTED, "latest", WorkerStack.PROTECTED);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.restore.completed");
    }

    @Test
    @Order(6)
    void archiveKeysOutsideTheSourcesPrefixOfAnotherFormOrMissingAndUnrestorableTargetsAreRefused() {
        String otherTarget = archiveKey.replace(WorkerStack.SOURCE + "/", WorkerStack.RESTORE + "/");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.RESTORE, WorkerStack.SOURCE,
                WorkerStack.PREFIX + "/" + WorkerStack.SOURCE + "/../" + WorkerStack.RESTORE + "/x.dump", null),
                "INVALID_FIELD");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.RESTORE, WorkerStack.SOURCE, otherTarget, null),
                "ARCHIVE_NOT_FOUND");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.RESTORE, WorkerStack.SOURCE,
                archiveKey.replace(".dump", "_missing.dump"), null), "INVALID_FIELD");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.RESTORE, WorkerStack.SOURCE,
                archiveKey.replaceFirst("_\\d{8}_\\d{6}\\.", "_19990101_000000."), null), "ARCHIVE_NOT_FOUND");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.RESTORE, WorkerStack.RESTORE, "latest", null),
                "ARCHIVE_NOT_FOUND");
        rejected(Commands.restore(Commands.newCommandId(), WorkerStack.SOURCE, WorkerStack.SOURCE, "latest", null),
                "NOT_RESTORABLE");
    }

    @Test
    @Order(7)
    void aRestoreCommandDeliveredTwiceRestoresOnce() {
        String commandId = Commands.newCommandId();
        List<JsonNode> first = restore(commandId, WorkerStack.RESTORE, "latest", null);
        assertThat(Events.types(first)).last().isEqualTo("dev.shoehorn.restore.completed");

        commands.send("restore.commands", WorkerStack.RESTORE,
                Commands.restore(commandId, WorkerStack.RESTORE, WorkerStack.SOURCE, "latest", null));

        List<JsonNode> second = events.awaitJobEnd(commandId, 1);
        assertThat(Events.types(second)).last().isEqualTo("dev.shoehorn.restore.skipped");
        assertThat(Events.types(second)).doesNotContain("dev.shoehorn.restore.started");
    }

    @Test
    @Order(8)
    void migrationsRunWithTheTargetsConnectionAndTheirFailureFailsTheJob() throws Exception {
        // Given a target whose configured migration records that it ran
        String commandId = Commands.newCommandId();

        // When a restore asks for migrations
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(commandId, WorkerStack.RESTORE,
                WorkerStack.SOURCE, "latest", null, true));
        List<JsonNode> job = events.awaitJobEnd(commandId);

        // Then the migration ran against the target, after the archive was applied and before the RLS check
        assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.restore.applied",
                "dev.shoehorn.restore.migrated", "dev.shoehorn.restore.rls-verified", "dev.shoehorn.restore.completed");
        try (Connection c = WorkerStack.postgres().connect(WorkerStack.RESTORE_DB); Statement st = c.createStatement();
                var rs = st.executeQuery("select count(*) from migrated")) {
            rs.next();
            assertThat(rs.getInt(1)).isPositive();
            st.execute("DROP TABLE migrated");
        }

        // And a failing migration fails the job with its exit code and output
        String failing = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.PROTECTED, Commands.restore(failing, WorkerStack.PROTECTED,
                WorkerStack.SOURCE, "latest", WorkerStack.PROTECTED, true));
        JsonNode failed = Events.assertRestoreFailed(events.awaitJobEnd(failing), "MIGRATION_FAILED");
        assertThat(failed.path("data").path("error").path("message").asText()).contains("exited with 3",
                "migration 42 failed");
    }

    @Test
    @Order(9)
    void aTableThatLostRowLevelSecurityFailsTheJobNamingIt() throws Exception {
        // Given an archive whose manifest says a table had row-level security that the restored one lacks
        String key = copies.copy(copies.bytes(), "20000101_000003",
                m -> m.withArray("rlsTables").add("public.schema_migrations"));

        // When it is restored
        List<JsonNode> job = restore(Commands.newCommandId(), WorkerStack.RESTORE, key, null);

        // Then the check fails and names the table, and the event says that the archive stays applied
        JsonNode failed = Events.assertRestoreFailed(job, "RLS_MISSING");
        assertThat(failed.path("data").path("error").path("message").asText()).contains("public.schema_migrations");
        assertThat(failed.path("data").path("targetChanged").asBoolean()).isTrue();
        assertThat(failed.path("data").path("mode").asText()).isEqualTo("single-transaction");
        assertThat(Events.types(job)).contains("dev.shoehorn.restore.applied").doesNotContain(
                "dev.shoehorn.restore.rls-verified");
    }

    @Test
    @Order(99)
    void everyRestoreEventMatchesTheContractSchemas() throws Exception {
        // Given the events of a restore that completes with migrations, its duplicate, a refused
        // restore and one that fails
        String completed = Commands.newCommandId();
        String refused = Commands.newCommandId();
        String failed = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(completed, WorkerStack.RESTORE,
                WorkerStack.SOURCE, "latest", null, true));
        events.awaitJobEnd(completed);
        sql(WorkerStack.RESTORE_DB, "DROP TABLE migrated");
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(completed, WorkerStack.RESTORE,
                WorkerStack.SOURCE, "latest", null, true));
        commands.send("restore.commands", WorkerStack.SOURCE, Commands.restore(refused, WorkerStack.SOURCE,
                WorkerStack.SOURCE, "latest", null));
        commands.send("restore.commands", WorkerStack.PROTECTED, Commands.restore(failed, WorkerStack.PROTECTED,
                WorkerStack.SOURCE, "latest", WorkerStack.PROTECTED, true));
        events.awaitJobEnd(completed, 1);
        events.awaitJobEnd(refused);
        events.awaitJobEnd(failed);
        List<JsonNode> all = java.util.stream.Stream.of(completed, refused, failed)
                .flatMap(id -> events.ofCommand(id).stream()).toList();

        // Then each matches the envelope and the data schema of its type, and every restore stage was seen
        ContractSchemas schemas = ContractSchemas.load();
        assertThat(all.stream().flatMap(e -> schemas.validateEvent(e.toString()).stream()).toList()).isEmpty();
        assertThat(Events.types(all)).contains("dev.shoehorn.restore.accepted", "dev.shoehorn.restore.started",
                "dev.shoehorn.restore.verified", "dev.shoehorn.restore.applied", "dev.shoehorn.restore.rls-verified",
                "dev.shoehorn.restore.completed", "dev.shoehorn.restore.failed", "dev.shoehorn.restore.rejected",
                "dev.shoehorn.restore.skipped", "dev.shoehorn.restore.migrated");
    }

    @Test
    @Order(100)
    void noPasswordOrSecretInAnyRestoreEventOrDeadLetter() {
        // Given a restore that failed with a tool's output in its event, and every event and dead letter so far
        String failed = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.PROTECTED, Commands.restore(failed, WorkerStack.PROTECTED,
                WorkerStack.SOURCE, "latest", WorkerStack.PROTECTED, true));
        events.awaitJobEnd(failed);
        List<String> texts = new java.util.ArrayList<>();
        events.tail().records().forEach(r -> texts.add(new String(r.value(), StandardCharsets.UTF_8)));
        deadLetters.records().forEach(r -> r.headers().forEach(h -> texts.add(new String(h.value(), StandardCharsets.UTF_8))));

        assertThat(texts).isNotEmpty().noneMatch(t -> t.contains(WorkerStack.PG_PASSWORD))
                .noneMatch(t -> t.contains(WorkerStack.S3_SECRET)).noneMatch(t -> t.contains("postgresql://"));
    }

    private static List<JsonNode> restore(String commandId, String target, String archive, String confirm) {
        commands.send("restore.commands", target,
                Commands.restore(commandId, target, WorkerStack.SOURCE, archive, confirm));
        return events.awaitJobEnd(commandId);
    }


    private static void rejected(String record, String code) {
        JsonNode command = parse(record);
        String commandId = command.path("commandId").asText();
        commands.send("restore.commands", command.path("target").asText(), record);
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.restore.rejected");
        assertThat(job.get(0).path("data").path("error").path("code").asText()).isEqualTo(code);
        String jobId = job.get(0).path("data").path("jobId").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !deadLetters.matching(r -> jobId.equals(TopicTail.header(r, "job.id"))).isEmpty());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void sql(String database, String statements) throws Exception {
        try (Connection c = WorkerStack.postgres().connect(database); Statement st = c.createStatement()) {
            st.execute(statements);
        }
    }
}
