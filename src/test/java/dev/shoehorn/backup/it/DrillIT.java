package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.restore.DrillScheduler;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.schedule.ScheduleConfig;
import dev.shoehorn.backup.schedule.ScheduledCommands;
import dev.shoehorn.backup.schedule.SlotCommand;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Restore drills on the real worker: the latest archive of the source restored into a throwaway
 * database and checked, and drills that must fail: an archive whose bytes were damaged, and one whose
 * manifest recorded other row counts than the archive holds. The target is never touched.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class DrillIT {

    private static final String TARGET = WorkerStack.SOURCE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();
    private static Events events;
    private static Commands commands;
    private static S3Client s3;
    private static TopicTail restoreCommands;
    private static TopicTail deadLetters;

    @Inject
    ArchiveStore store;

    @Inject
    ScheduleConfig scheduleConfig;

    @Inject
    TargetRegistry targets;

    @Inject
    ScheduledCommands scheduled;

    private final List<String> made = new java.util.ArrayList<>();

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
        restoreCommands = new TopicTail(WorkerStack.bootstrapServers(), "restore.commands");
        deadLetters = new TopicTail(WorkerStack.bootstrapServers(), "restore.commands.dlq");
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        commands.close();
        s3.close();
        restoreCommands.close();
        deadLetters.close();
    }

    @AfterEach
    void removeWhatWasMade() {
        made.forEach(store::delete);
    }

    @Test
    void aDrillRestoresTheLatestArchiveIntoAThrowawayDatabaseChecksItAndLeavesTheTargetAlone() throws Exception {
        // Given a fresh backup of the source, whose manifest holds the rows counted in pg_dump's snapshot
        Manifest latest = backup();
        assertThat(latest.rowCounts()).containsKeys("public.tenants", "public.projects", "public.documents");
        Map<String, String> before = DatabaseFingerprint.of(PG, WorkerStack.SOURCE_DB);

        // When a drill of the source is asked for
        List<JsonNode> job = drill(null);

        // Then it passed every check, the probe included, and says so with its evidence
        JsonNode end = job.get(job.size() - 1);
        assertThat(end.path("type").asText()).isEqualTo("dev.shoehorn.drill.passed");
        JsonNode data = end.path("data");
        assertThat(data.path("archive").path("key").asText()).isEqualTo(latest.archiveKey());
        assertThat(data.path("checks").findValuesAsText("name")).containsExactly("restore", "toc-tables",
                "row-counts", "rls", "probe:tenants", "rto");
        assertThat(data.path("checks").findValuesAsText("status")).containsOnly("passed");
        JsonNode report = report(data.path("report").asText());
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("archiveSha256").asText()).isEqualTo(latest.sha256());
        assertThat(report.path("pgRestoreVersion").asText()).isNotEmpty();
        assertThat(report.path("rowCounts").path("public.tenants").asLong())
                .isEqualTo(latest.rowCounts().get("public.tenants"));
        // and its job was a drill: no restore.completed, so no reaction, and the target as it was
        assertThat(Events.types(job)).doesNotContain("dev.shoehorn.restore.completed")
                .contains("dev.shoehorn.restore.accepted", "dev.shoehorn.restore.verified");
        assertThat(job.get(0).path("data").path("drill").asBoolean()).isTrue();
        assertThat(DatabaseFingerprint.of(PG, WorkerStack.SOURCE_DB)).isEqualTo(before);
        // and the throwaway database is gone
        assertThat(databasesLike(WorkerStack.SOURCE_DB + "_restore_%")).isZero();
        assertThat(events.checkContract("dev.shoehorn.drill").violations()).isEmpty();
    }

    @Test
    void rowCountsAreThoseOfTheDumpsSnapshotWhileTheTableIsWrittenTo() throws Exception {
        // Given a table that a client keeps inserting into, one row at a time, throughout the backup
        try (Connection c = PG.connect(WorkerStack.COUNTS_DB); var st = c.createStatement()) {
            st.execute("drop table if exists busy");
            st.execute("create table busy (id bigserial primary key, at timestamptz default now())");
            st.execute("insert into busy (at) select now() from generate_series(1, 1000)");
        }
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Connection c = PG.connect(WorkerStack.COUNTS_DB); var st = c.createStatement()) {
                while (writing.get()) {
                    st.execute("insert into busy default values");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Manifest manifest;
        try {
            // When it is backed up while written to
            manifest = backup(WorkerStack.COUNTS);
        } finally {
            writing.set(false);
            writer.join();
        }

        // Then the rows counted are fewer than the table holds now, and a drill of the archive finds exactly them
        long now;
        try (Connection c = PG.connect(WorkerStack.COUNTS_DB); var st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from busy")) {
            rs.next();
            now = rs.getLong(1);
        }
        long counted = manifest.rowCounts().get("public.busy");
        assertThat(counted).isGreaterThanOrEqualTo(1000).isLessThan(now);
        List<JsonNode> job = drill(WorkerStack.COUNTS, null);
        JsonNode end = job.get(job.size() - 1);
        assertThat(end.path("type").asText()).as(end.toString()).isEqualTo("dev.shoehorn.drill.passed");
    }

    @Test
    void aDrillOfADamagedArchiveFails() throws Exception {
        // Given an archive whose bytes were damaged after its manifest was written
        Manifest latest = backup();
        byte[] bytes = bytes(latest.archiveKey());
        bytes[bytes.length / 2] ^= 0x5a;
        String damaged = copy(latest, bytes, latest.rowCounts());

        // When it is drilled
        List<JsonNode> job = drill(damaged);

        // Then the drill failed its restore check, and the target was never touched
        JsonNode end = job.get(job.size() - 1);
        assertThat(end.path("type").asText()).isEqualTo("dev.shoehorn.drill.failed");
        assertThat(end.path("data").path("error").path("code").asText()).isEqualTo("DRILL_FAILED");
        assertThat(end.path("data").path("checks").get(0).path("name").asText()).isEqualTo("restore");
        assertThat(end.path("data").path("checks").get(0).path("detail").asText()).contains("ARCHIVE_CORRUPT");
        assertThat(report(end.path("data").path("report").asText()).path("passed").asBoolean()).isFalse();
        assertThat(databasesLike(WorkerStack.SOURCE_DB + "_restore_%")).isZero();
    }

    @Test
    void aDrillFailsOnATableWhoseRowCountDiffersFromTheBackups() throws Exception {
        // Given an archive whose manifest recorded one row more in tenants than the archive holds
        Manifest latest = backup();
        Map<String, Long> wrong = new HashMap<>(latest.rowCounts());
        wrong.merge("public.tenants", 1L, Long::sum);
        String miscounted = copy(latest, bytes(latest.archiveKey()), wrong);

        // When it is drilled
        List<JsonNode> job = drill(miscounted);

        // Then the row-count check failed, naming the table, and the others passed
        JsonNode data = job.get(job.size() - 1).path("data");
        assertThat(job.get(job.size() - 1).path("type").asText()).isEqualTo("dev.shoehorn.drill.failed");
        JsonNode rowCounts = null;
        for (JsonNode check : data.path("checks")) {
            if (check.path("name").asText().equals("row-counts")) {
                rowCounts = check;
            } else {
                assertThat(check.path("status").asText()).as(check.toString()).isEqualTo("passed");
            }
        }
        assertThat(rowCounts).isNotNull();
        assertThat(rowCounts.path("status").asText()).isEqualTo("failed");
        assertThat(rowCounts.path("detail").asText()).contains("public.tenants has " + latest.rowCounts()
                .get("public.tenants") + " rows, the backup counted " + wrong.get("public.tenants"));
    }

    @Test
    void aDrillScheduleDrillsOncePerSlotWhateverTheNumberOfReplicas() {
        // Given a weekly drill schedule (Sunday 00:00 UTC), a backup to drill, and a replica's scheduler
        backup();
        DrillScheduler replica = startedScheduler();
        Instant slot = Instant.parse("2026-12-06T00:00:00Z");
        String commandId = SlotCommand.drillCommandIdOf(TARGET, slot).toString();

        // When the slot passes and the scheduler looks, twice, and another replica publishes the same slot
        List<String> first = replica.tick(slot.plusSeconds(5));
        List<String> second = replica.tick(slot.plusSeconds(35));
        scheduled.publishDrill(TARGET, Cron.parse("@weekly", "UTC"), slot, slot.plusSeconds(9));

        // Then both copies carry the slot's commandId; one drill ran and passed, the other copy was skipped
        assertThat(first).containsExactly(TARGET);
        assertThat(second).isEmpty();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> scheduledDrills(commandId) == 2 && events.ofCommand(commandId).stream()
                        .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).count() == 2);
        List<String> ends = events.ofCommand(commandId).stream().map(e -> e.path("type").asText())
                .filter(Events.TERMINAL::contains).toList();
        assertThat(ends).containsExactlyInAnyOrder("dev.shoehorn.drill.passed", "dev.shoehorn.restore.skipped");
        assertThat(events.ofCommand(commandId).get(0).path("data").path("requestedBy").asText()).isEqualTo("scheduler");
        forget(commandId, TARGET);
    }

    @Test
    void aSchedulerStartedAfterMissedSlotsDrillsTheLatestOnceAndNoneOnceItRan() {
        // Given a backup to drill, and weekly drill slots (Sunday 00:00 UTC) up to 5 January 2031 that
        // passed while no worker ran
        backup();
        Instant latest = Instant.parse("2031-01-05T00:00:00Z");
        String commandId = SlotCommand.drillCommandIdOf(TARGET, latest).toString();
        String weekBefore = SlotCommand.drillCommandIdOf(TARGET, latest.minus(Duration.ofDays(7))).toString();

        // When a scheduler starts three days after the latest slot
        List<String> atStart = startedScheduler().tick(latest.plus(Duration.ofDays(3)));

        // Then it published the latest slot's drill, which ran and passed, and none of the slots before it
        assertThat(atStart).containsExactly(TARGET);
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.drill.passed");
        forget(commandId, TARGET);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> scheduledDrills(commandId) == 1);
        assertThat(scheduledDrills(weekBefore)).isZero();

        // When a scheduler starts again after the drill ran (a restart, or another replica)
        List<String> restarted = startedScheduler().tick(latest.plus(Duration.ofDays(4)));

        // Then it publishes nothing: the slot's drill has its record
        assertThat(restarted).isEmpty();
        assertThat(scheduledDrills(commandId)).isEqualTo(1);

        // When retention has pruned that record (a quarterly slot outlives record-max-age), and a scheduler
        // starts again within the slot's period: a drill's report after the slot is all that is left (the
        // drill above ran in the real now, before this 2031 slot, so a report stamped after it stands in)
        store.delete(store.keys().command("restore", TARGET, commandId));
        String report = store.keys().drillReport(TARGET, latest.plusSeconds(3), UUID.randomUUID().toString());
        store.putJsonIfAbsent(report, Map.of("target", TARGET, "passed", true));
        made.add(report);
        List<String> afterPruning = startedScheduler().tick(latest.plus(Duration.ofDays(5)));

        // Then it publishes nothing either: the slot was drilled
        assertThat(afterPruning).isEmpty();
        assertThat(scheduledDrills(commandId)).isEqualTo(1);
    }

    @Test
    void aDrillOfATargetWithoutAnArchiveFailsAsADrillWhileAMalformedOneIsStillRefused() {
        // Given a target of which no archive exists (its role may not read the tables: its backups fail)
        assertThat(store.latestManifest(WorkerStack.DENIED)).isEmpty();
        String commandId = Commands.newCommandId();
        String command = drillCommand(commandId, WorkerStack.DENIED, null);

        // When it is drilled, and the same command is delivered again
        commands.send("restore.commands", WorkerStack.DENIED, command);
        List<JsonNode> job = events.awaitJobEnd(commandId);
        forget(commandId, WorkerStack.DENIED);
        commands.send("restore.commands", WorkerStack.DENIED, command);
        List<JsonNode> again = events.awaitJobEnd(commandId, 1);

        // Then the drill was accepted, without an archive, and failed saying there was none: no checks
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.restore.accepted", "dev.shoehorn.drill.failed");
        assertThat(job.get(0).path("data").path("drill").asBoolean()).isTrue();
        assertThat(job.get(0).path("data").has("archive")).isFalse();
        JsonNode failed = job.get(1).path("data");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("ARCHIVE_NOT_FOUND");
        assertThat(failed.path("error").path("retryable").asBoolean()).isFalse();
        assertThat(failed.path("error").path("message").asText()).contains("no complete archive of "
                + WorkerStack.DENIED);
        assertThat(failed.path("checks")).isEmpty();
        // and its report, the drill history's entry, says it could not run and why
        made.add(failed.path("report").asText());
        assertThat(store.drills(WorkerStack.DENIED, 1)).singleElement().satisfies(drill -> {
            assertThat(drill.report()).isEqualTo(failed.path("report").asText());
            assertThat(drill.passed()).isFalse();
            assertThat(drill.errorCode()).isEqualTo("ARCHIVE_NOT_FOUND");
        });
        var schemas = dev.shoehorn.backup.contract.ContractSchemas.load();
        job.forEach(e -> assertThat(schemas.validateEvent(e.toString())).as(e.toString()).isEmpty());
        // and its record is final, so the second delivery was skipped
        assertThat(store.findCommand("restore", WorkerStack.DENIED, commandId).orElseThrow().errorCode())
                .isEqualTo("ARCHIVE_NOT_FOUND");
        assertThat(Events.types(again)).containsExactly("dev.shoehorn.restore.skipped");

        // When a drill names an archive outside the target's folder
        String outside = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.DENIED, drillCommand(outside, WorkerStack.DENIED,
                WorkerStack.PREFIX + "/" + TARGET + "/" + TARGET + "_20261128_020000.dump"));

        // Then it is refused before anything runs, and kept in the DLQ; the drill without an archive is not there
        List<JsonNode> refused = events.awaitJobEnd(outside);
        assertThat(Events.types(refused)).containsExactly("dev.shoehorn.restore.rejected");
        assertThat(refused.get(0).path("data").path("error").path("code").asText()).isEqualTo("ARCHIVE_NOT_FOUND");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> !deadLetters.matching(r -> new String(r.value(), StandardCharsets.UTF_8).contains(outside))
                        .isEmpty());
        assertThat(deadLetters.matching(r -> new String(r.value(), StandardCharsets.UTF_8).contains(commandId)))
                .isEmpty();
    }

    @Test
    void theCliAsksForADrillAndExitsWithItsVerdict() {
        // Given a backup of the source
        backup();

        // When an operator runs a drill and waits for it
        Map<String, String> settings = CliRun.settings(WorkerStack.bootstrapServers(), WorkerStack.s3().endpoint(),
                WorkerStack.BUCKET, WorkerStack.PREFIX, WorkerStack.ACCESS_KEY, WorkerStack.S3_SECRET);
        CliRun run = CliRun.of(settings, "drill", TARGET, "--wait");

        // Then it exits 0, the drill having passed, and says it was a drill
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("drill", "passed");

        // and status shows it as the target's last drill, read from its report in the store
        CliRun status = CliRun.of(settings, "--json", "status");
        assertThat(status.exit()).as(status.toString()).isZero();
        JsonNode drill = status.json().stream().filter(row -> row.path("target").asText().equals(TARGET))
                .findFirst().orElseThrow().path("lastDrill");
        String report = drill.path("report").asText();
        made.add(report);
        assertThat(report).startsWith(WorkerStack.PREFIX + "/.drills/" + TARGET + "/");
        assertThat(drill.path("passed").asBoolean()).isTrue();
        assertThat(drill.path("failedChecks")).isEmpty();
        assertThat(drill.path("restoreMs").asLong()).isPositive();

        // and the audit lists it as a drill job that completed, the report's job
        String jobId = report.substring(report.lastIndexOf('_') + 1, report.length() - ".json".length());
        CliRun audit = CliRun.of(settings, "audit", "--since", "1h", "--target", TARGET, "--format", "json");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.json()).filteredOn(job -> job.path("jobId").asText().equals(jobId)).singleElement()
                .satisfies(job -> {
                    assertThat(job.path("kind").asText()).isEqualTo("drill");
                    assertThat(job.path("outcome").asText()).isEqualTo("COMPLETED");
                    assertThat(job.path("requestedBy").asText()).isNotEmpty();
                });
    }

    private Manifest backup() {
        return backup(TARGET);
    }

    private Manifest backup(String target) {
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", target, Commands.backup(commandId, target));
        JsonNode end = events.awaitJobEnd(commandId).stream()
                .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).findFirst().orElseThrow();
        assertThat(end.path("type").asText()).isEqualTo("dev.shoehorn.backup.completed");
        return store.manifest(end.path("data").path("archive").path("key").asText()).orElseThrow();
    }

    /** Publishes a drill of the target (of {@code archive}, or the latest) and waits for its job to end. */
    private static List<JsonNode> drill(String archive) {
        return drill(TARGET, archive);
    }

    private static List<JsonNode> drill(String target, String archive) {
        String commandId = Commands.newCommandId();
        commands.send("restore.commands", target, drillCommand(commandId, target, archive));
        return events.awaitJobEnd(commandId);
    }

    private static String drillCommand(String commandId, String target, String archive) {
        return "{\"commandId\":\"" + commandId + "\",\"target\":\"" + target + "\",\"requestedBy\":\"it\",\"drill\":true"
                + (archive == null ? "" : ",\"archive\":\"" + archive + "\"") + "}";
    }

    /** A drill scheduler as a replica starts it: nothing in memory, the test stack's drill schedules. */
    private DrillScheduler startedScheduler() {
        return new DrillScheduler(scheduleConfig, targets, scheduled, store, java.time.Clock.systemUTC());
    }

    /** How many of the scheduler's drill commands on the restore topic carry {@code commandId}. */
    private static long scheduledDrills(String commandId) {
        return restoreCommands.records().stream().map(r -> Events.tryParse(r.value())).flatMap(java.util.Optional::stream)
                .filter(c -> c.path("drill").asBoolean(false) && c.path("requestedBy").asText().equals("scheduler"))
                .filter(c -> c.path("commandId").asText().equals(commandId)).count();
    }

    /** Removes, after the test, the record of the command and the reports of its drills that ended. */
    private void forget(String commandId, String target) {
        made.add(store.keys().command("restore", target, commandId));
        events.ofCommand(commandId).stream().map(e -> e.path("data").path("report").asText(""))
                .filter(key -> !key.isEmpty()).forEach(made::add);
    }

    /** A copy of an archive under an older key, with a manifest of its own (the given bytes and row counts). */
    private String copy(Manifest original, byte[] bytes, Map<String, Long> rowCounts) {
        String key = new ArchiveKeys(WorkerStack.PREFIX).archive(TARGET,
                Instant.parse("2020-01-01T00:00:00Z").plusSeconds(made.size()),
                original.archiveKey().substring(original.archiveKey().lastIndexOf(".dump") + ".dump".length()));
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(key), RequestBody.fromBytes(bytes));
        made.add(key);
        store.putManifest(new Manifest(original.manifestVersion(), key, TARGET, original.commandId(), original.jobId(),
                original.format(), original.bytes(), original.sha256(), original.pgDumpVersion(),
                original.serverVersion(), original.databaseBytes(), original.startedAt(), original.completedAt(),
                original.rlsTables(), original.requestedBy(), original.reason(), rowCounts, original.compression(),
                original.encryption(), original.files(), original.dumpBytes()));
        made.add(ArchiveKeys.manifestOf(key));
        return key;
    }

    private byte[] bytes(String key) throws Exception {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        }
    }

    private JsonNode report(String key) throws Exception {
        made.add(key);
        try (InputStream in = store.open(key)) {
            return JSON.readTree(in);
        }
    }

    private static int databasesLike(String pattern) throws Exception {
        try (Connection c = PG.connect("postgres");
                var st = c.prepareStatement("select count(*) from pg_database where datname like ?")) {
            st.setString(1, pattern.replace("_", "\\_"));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
