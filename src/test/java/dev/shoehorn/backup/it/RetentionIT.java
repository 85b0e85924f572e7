package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.retention.Pruner.Item;
import dev.shoehorn.backup.retention.RetentionConfig;
import dev.shoehorn.backup.retention.RetentionEvents.Pruned;
import dev.shoehorn.backup.retention.RetentionService;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.ReactionRecord;
import dev.shoehorn.backup.storage.StorageConfig;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Retention on a bucket filled by hand with a mix of old and new, complete and incomplete archives,
 * an orphan manifest, an abandoned multipart upload, a stranger's object and old records, checked
 * object by object. Ages come from the archives' names, so the run is made "now" a month ahead: the
 * store's own dates of what the test writes are then a month old. What a running job uses is made
 * young, and pruned as of the real now.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class RetentionIT {

    private static final String TARGET = WorkerStack.RETENTION;
    private static final Instant NOW = Instant.now().plus(Duration.ofDays(31));
    private static Events events;
    private static S3Client s3;

    @Inject
    ArchiveStore store;

    @Inject
    RetentionService retention;

    @Inject
    TargetRegistry targets;

    @Inject
    RetentionConfig retentionConfig;

    @Inject
    StorageConfig storageConfig;

    @Inject
    JobsConfig jobsConfig;

    @Inject
    CommandConfig commandConfig;

    @Inject
    ProgressPublisher progress;

    private final Map<String, String> made = new TreeMap<>();
    /** The records written by hand, by what they stand for. */
    private final Map<String, String> records = new TreeMap<>();

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        s3.close();
    }

    @BeforeEach
    void fillTheFolderByHand() {
        // keep-last 2, max-age 7d (WorkerStack)
        complete("newest", NOW.minus(Duration.ofHours(1)));
        complete("second", NOW.minus(Duration.ofDays(2)));
        complete("young", NOW.minus(Duration.ofDays(5)));
        complete("old", NOW.minus(Duration.ofDays(10)));
        complete("ancient", NOW.minus(Duration.ofDays(40)));
        archiveOnly("failed-job", NOW.minus(Duration.ofDays(3)));
        archiveOnly("running-job", NOW.minus(Duration.ofHours(2)));
        String cut = archiveOnly("cut-short", NOW.minus(Duration.ofDays(4)));
        put(ArchiveKeys.manifestOf(cut), manifestJson(cut, 999_999));
        made.put(ArchiveKeys.manifestOf(cut), "cut-short manifest");
        String orphan = key(NOW.minus(Duration.ofDays(6)));
        put(ArchiveKeys.manifestOf(orphan), manifestJson(orphan, 10));
        made.put(ArchiveKeys.manifestOf(orphan), "orphan manifest");
        put(folder() + "README.txt", "not an archive");
        made.put(folder() + "README.txt", "stranger");
        s3.createMultipartUpload(b -> b.bucket(WorkerStack.BUCKET).key(key(NOW.minus(Duration.ofDays(31)))));
        writeRecordsByHand();
    }

    /** Records of every kind retention looks after, all a month old at NOW. */
    private void writeRecordsByHand() {
        records.put("finished command", command(CommandRecord.State.COMPLETED));
        records.put("stuck command", command(CommandRecord.State.CLAIMED));
        records.put("finished reaction", reaction(ReactionRecord.State.COMPLETED));
        records.put("unfinished reaction", reaction(ReactionRecord.State.CLAIMED));
        records.put("slot claim", store.keys().retentionRun(someSlotOf(2001)));
        String overdue = store.keys().overdue(TARGET);
        records.put("watching", overdue + ArchiveKeys.OVERDUE_WATCHING);
        records.put("cleared breach, raised", overdue + "2026-01-01T02-00-00Z" + ArchiveKeys.OVERDUE_RAISED);
        records.put("cleared breach, cleared", overdue + "2026-01-01T02-00-00Z" + ArchiveKeys.OVERDUE_CLEARED);
        records.put("current breach", overdue + "2026-01-02T02-00-00Z" + ArchiveKeys.OVERDUE_RAISED);
        records.put("clearing without its raising", overdue + "2025-12-31T02-00-00Z" + ArchiveKeys.OVERDUE_CLEARED);
        records.values().stream().filter(key -> key.contains("/.retention/") || key.contains("/.overdue/"))
                .forEach(key -> put(key, "{\"target\":\"" + TARGET + "\"}"));
    }

    @AfterEach
    void deleteTheRecords() {
        records.values().forEach(store::delete);
    }

    @AfterEach
    void emptyTheFolder() {
        store.objectsUnder(folder()).forEach(o -> store.delete(o.key()));
        store.uploadsUnder(folder()).forEach(store::abortUpload);
        made.clear();
    }

    @Test
    void aRunDeletesWhatTheRulesGiveUpAndKeepsTheRestSayingWhy() {
        // Given the folder and the records as filled, and whatever slot claims other runs left
        int slotClaims = store.objectsUnder(store.keys().retentionRuns()).size();

        // When retention runs a month from now
        Pruned pruned = retention.prune(TARGET, "cli", NOW);

        // Then exactly these objects are gone, manifests with their archives
        assertThat(remaining()).containsExactlyInAnyOrder(
                archive("newest"), ArchiveKeys.manifestOf(archive("newest")),
                archive("second"), ArchiveKeys.manifestOf(archive("second")),
                archive("young"), ArchiveKeys.manifestOf(archive("young")),
                archive("running-job"),
                folder() + "README.txt");
        assertThat(store.uploadsUnder(folder())).isEmpty();
        // and the event says why, object by object
        assertThat(pruned.kept()).extracting(Item::reason, i -> made.get(i.key())).containsExactlyInAnyOrder(
                tuple("newest-complete", "newest"), tuple("keep-last", "second"), tuple("within-max-age", "young"),
                tuple("incomplete-within-grace", "running-job"));
        assertThat(pruned.deleted()).extracting(Item::key, Item::reason).contains(
                tuple(ArchiveKeys.manifestOf(archive("old")), "older-than-max-age"),
                tuple(archive("old"), "older-than-max-age"),
                tuple(archive("ancient"), "older-than-max-age"),
                tuple(archive("failed-job"), "incomplete:no-manifest"),
                tuple(archive("cut-short"), "incomplete:size-mismatch"),
                tuple(ArchiveKeys.manifestOf(archive("cut-short")), "incomplete:size-mismatch"),
                tuple(ArchiveKeys.manifestOf(key(NOW.minus(Duration.ofDays(6)))), "orphan-manifest"),
                tuple(key(NOW.minus(Duration.ofDays(31))), "abandoned-upload"));
        assertThat(pruned.deleted().indexOf(new Item(ArchiveKeys.manifestOf(archive("old")), "older-than-max-age")))
                .as("a manifest goes before its archive")
                .isLessThan(pruned.deleted().indexOf(new Item(archive("old"), "older-than-max-age")));
        assertThat(pruned.failed()).isEmpty();
        // and the records past their life are gone, record by record: commands whatever their state, finished
        // reactions, slot claims, a cleared breach's raising (its clearing goes in the next run, so that no
        // watchdog clears it again); what the watchdog and reactions still go by stays
        assertThat(recordsLeft()).containsExactlyInAnyOrder("unfinished reaction", "watching", "current breach",
                "cleared breach, cleared");
        assertThat(pruned.recordsDeleted()).isEqualTo(5 + slotClaims);
        // and one event reported the run, as the contract has it
        await().atMost(Duration.ofSeconds(10)).until(() -> prunedEvents().size() == 1);
        JsonNode data = prunedEvents().get(0).path("data");
        assertThat(data.path("trigger").asText()).isEqualTo("cli");
        assertThat(data.path("deletedCount").asInt()).isEqualTo(pruned.deletedCount());
        assertThat(data.path("recordsDeleted").asInt()).isEqualTo(pruned.recordsDeleted());
        assertThat(events.checkContract("dev.shoehorn.retention").violations()).isEmpty();

        // When the next run comes
        retention.prune(TARGET, "cli", NOW);

        // Then the clearing whose raising went is gone too
        assertThat(recordsLeft()).containsExactlyInAnyOrder("unfinished reaction", "watching", "current breach");
    }

    @Test
    void whatRunningJobsUseSurvivesARun() {
        // Given, as of the real now, a restore of another target running on an old archive of this one, a
        // finished restore of another old one, an archive being written and its upload open
        emptyTheFolder();
        Instant now = Instant.now();
        complete("newest", now.minus(Duration.ofHours(1)));
        complete("second", now.minus(Duration.ofDays(2)));
        complete("read", now.minus(Duration.ofDays(10)));
        complete("was-read", now.minus(Duration.ofDays(12)));
        archiveOnly("being-written", now.minus(Duration.ofMinutes(30)));
        String upload = key(now.minus(Duration.ofMinutes(5)));
        s3.createMultipartUpload(b -> b.bucket(WorkerStack.BUCKET).key(upload));
        records.put("running restore", restore(archive("read"), CommandRecord.State.CLAIMED));
        records.put("finished restore", restore(archive("was-read"), CommandRecord.State.COMPLETED));

        // When retention runs now
        Pruned pruned = retention.prune(TARGET, "schedule", now);

        // Then the archive the running restore reads stays, saying why, and the finished one's goes
        assertThat(pruned.kept()).extracting(Item::reason, i -> made.get(i.key())).containsExactlyInAnyOrder(
                tuple("newest-complete", "newest"), tuple("keep-last", "second"), tuple("in-use-by-restore", "read"),
                tuple("incomplete-within-grace", "being-written"));
        assertThat(remaining()).contains(archive("read"), ArchiveKeys.manifestOf(archive("read")),
                archive("being-written")).doesNotContain(archive("was-read"));
        // and the young upload is left to its job
        assertThat(store.uploadsUnder(folder())).extracting(u -> u.key()).containsExactly(upload);
        assertThat(pruned.deleted()).extracting(Item::reason).doesNotContain("abandoned-upload");
        // and no record is young enough to go
        assertThat(recordsLeft()).containsAll(records.keySet());

        // When retention runs a month later, long after any job could still run
        Pruned later = retention.prune(TARGET, "schedule", NOW);

        // Then the upload is aborted as abandoned, and the restore's old claim no longer keeps its archive
        assertThat(later.deleted()).contains(new Item(upload, "abandoned-upload"),
                new Item(archive("read"), "older-than-max-age"));
        assertThat(store.uploadsUnder(folder())).isEmpty();
    }

    @Test
    void aScheduledSlotPrunesEveryTargetOnceWhicheverReplicasLookAtIt() {
        // Given a slot of the retention schedule, and a second replica that shares only the store
        Instant slot = someSlotOf(2002);
        Instant started = Instant.now();
        RetentionService other = new RetentionService(retentionConfig, targets, store, storageConfig, jobsConfig,
                commandConfig, progress, java.time.Clock.systemUTC());
        records.put("this slot's claim", store.keys().retentionRun(slot));

        // When this replica runs the slot
        List<Pruned> runs = retention.runSlot(slot);

        // Then it prunes every target, once, each with its event
        List<String> names = targets.all().stream().map(Target::name).toList();
        assertThat(runs).hasSize(names.size()).allMatch(r -> r.trigger().equals("schedule"));
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduledSubjectsSince(started).containsAll(names));
        assertThat(store.exists(store.keys().retentionRun(slot))).isTrue();

        // and neither the same replica nor another runs that slot again
        assertThat(retention.runSlot(slot)).isEmpty();
        assertThat(other.runSlot(slot)).isEmpty();
        assertThat(scheduledSubjectsSince(started)).hasSameSizeAs(names)
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void aFailedDeleteIsReportedAndNeverStopsTheRest() {
        // Given the store refuses to delete one old archive's manifest
        String refused = ArchiveKeys.manifestOf(archive("old"));
        StorageFaults.refuseDeletesOf(refused);
        try {
            // When retention runs
            Pruned pruned = retention.prune(TARGET, "schedule", NOW);

            // Then that archive is left whole (its manifest could not go, so neither does its archive) and
            // reported, and everything else the rules give up is gone
            assertThat(pruned.failed()).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo(refused);
                assertThat(f.reason()).isEqualTo("older-than-max-age");
            });
            assertThat(remaining()).contains(refused, archive("old")).doesNotContain(archive("ancient"),
                    archive("failed-job"));
        } finally {
            StorageFaults.refuseDeletesOf(null);
        }

        // and the next run deletes it
        Pruned next = retention.prune(TARGET, "schedule", NOW);
        assertThat(next.failed()).isEmpty();
        assertThat(remaining()).doesNotContain(refused, archive("old"));
    }

    @Test
    void theNewestCompleteArchiveIsKeptHoweverOldAfterARunOfFailures() {
        // Given only failed jobs' leftovers for weeks, and one complete archive from long ago
        emptyTheFolder();
        complete("last-good", NOW.minus(Duration.ofDays(60)));
        archiveOnly("failed-1", NOW.minus(Duration.ofDays(20)));
        archiveOnly("failed-2", NOW.minus(Duration.ofDays(2)));

        // When retention runs
        retention.prune(TARGET, "schedule", NOW);

        // Then the last good backup is still there, the failures' leftovers are not
        assertThat(remaining()).containsExactlyInAnyOrder(archive("last-good"),
                ArchiveKeys.manifestOf(archive("last-good")));
    }

    @Test
    void aSuccessfulBackupIsFollowedByARetentionRunOfItsTarget() {
        // Given a backup of a target
        String commandId = Commands.newCommandId();
        try (Commands commands = new Commands(WorkerStack.bootstrapServers())) {
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
        }

        // When it completes
        JsonNode completed = events.awaitJobEnd(commandId).stream()
                .filter(e -> e.path("type").asText().equals("dev.shoehorn.backup.completed")).findFirst().orElseThrow();
        String archive = completed.path("data").path("archive").path("key").asText();

        // Then the worker that made it runs retention over its target, keeping it as the newest
        await().atMost(Duration.ofSeconds(20)).until(() -> events.all().stream()
                .filter(e -> e.path("type").asText().equals("dev.shoehorn.retention.pruned"))
                .filter(e -> e.path("data").path("trigger").asText().equals("after-backup"))
                .anyMatch(e -> e.path("data").path("kept").findValuesAsText("key").contains(archive)));
    }

    @Test
    void theCliDryRunShowsTheWorkersDecisionsAndDeletesNothing() {
        // Given the folder and the records as filled
        List<String> before = remaining();
        int slotClaims = store.objectsUnder(store.keys().retentionRuns()).size();

        // When an operator asks what retention would do a month from now
        CliRun run = CliRun.of(cliSettings(), Clock.fixed(NOW, ZoneOffset.UTC), "prune", "--target", TARGET, "--json");

        // Then it lists the deletions and keeps, with reasons, and counts the records, and nothing is gone
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode plan = run.json().get(0);
        assertThat(plan.path("dryRun").asBoolean()).isTrue();
        assertThat(plan.path("deleted").findValuesAsText("key")).contains(archive("old"),
                ArchiveKeys.manifestOf(archive("old")), archive("failed-job"), key(NOW.minus(Duration.ofDays(31))));
        assertThat(plan.path("kept").findValuesAsText("reason")).containsExactlyInAnyOrder("newest-complete",
                "keep-last", "within-max-age", "incomplete-within-grace");
        assertThat(plan.path("recordsDeleted").asInt()).isEqualTo(5 + slotClaims);
        assertThat(remaining()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(store.uploadsUnder(folder())).hasSize(1);
        assertThat(recordsLeft()).containsExactlyInAnyOrderElementsOf(records.keySet());
    }

    @Test
    void theCliWithConfirmPrunesAndReportsTheRun() {
        // When an operator confirms the run
        CliRun run = CliRun.of(cliSettings(), Clock.fixed(NOW, ZoneOffset.UTC), "prune", "--target", TARGET,
                "--confirm");

        // Then what the rules give up is gone, the rest stays, and the run is on the topic as the CLI's
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("deleted", "older-than-max-age", "newest-complete");
        assertThat(remaining()).containsExactlyInAnyOrder(
                archive("newest"), ArchiveKeys.manifestOf(archive("newest")),
                archive("second"), ArchiveKeys.manifestOf(archive("second")),
                archive("young"), ArchiveKeys.manifestOf(archive("young")),
                archive("running-job"),
                folder() + "README.txt");
        await().atMost(Duration.ofSeconds(10)).until(() -> prunedEvents().stream()
                .anyMatch(e -> e.path("data").path("trigger").asText().equals("cli")));
        assertThat(events.checkContract("dev.shoehorn.retention").violations()).isEmpty();
    }

    private static Map<String, String> cliSettings() {
        Map<String, String> settings = CliRun.settings(WorkerStack.bootstrapServers(), WorkerStack.s3().endpoint(),
                WorkerStack.BUCKET, WorkerStack.PREFIX, WorkerStack.ACCESS_KEY, WorkerStack.S3_SECRET);
        settings.put("backup.targets." + TARGET + ".host", "127.0.0.1");
        settings.put("backup.targets." + TARGET + ".database", "unused");
        settings.put("backup.targets." + TARGET + ".user", "unused");
        settings.put("backup.targets." + TARGET + ".retention.keep-last", "2");
        settings.put("backup.targets." + TARGET + ".retention.max-age", "7d");
        return settings;
    }

    private List<JsonNode> prunedEvents() {
        return events.all().stream().filter(e -> e.path("type").asText().equals("dev.shoehorn.retention.pruned"))
                .filter(e -> TARGET.equals(e.path("subject").asText())).toList();
    }

    private List<String> remaining() {
        return store.objectsUnder(folder()).stream().map(dev.shoehorn.backup.storage.StoredObject::key).toList();
    }

    /** A slot of the retention schedule in {@code year} that no other run of this test uses. */
    private static Instant someSlotOf(int year) {
        return Instant.parse(year + "-01-01T03:30:00Z").plus(Duration.ofMinutes(ThreadLocalRandom.current()
                .nextInt(100_000)));
    }

    /** What of the records written by hand is still there. */
    private List<String> recordsLeft() {
        return records.entrySet().stream().filter(r -> store.exists(r.getValue())).map(Map.Entry::getKey).toList();
    }

    /** The subjects of the scheduled runs' events sent since {@code since}, one per event. */
    private static List<String> scheduledSubjectsSince(Instant since) {
        return events.all().stream().filter(e -> e.path("type").asText().equals("dev.shoehorn.retention.pruned"))
                .filter(e -> e.path("data").path("trigger").asText().equals("schedule"))
                .filter(e -> !Instant.parse(e.path("time").asText()).isBefore(since))
                .map(e -> e.path("subject").asText()).toList();
    }

    private String command(CommandRecord.State state) {
        CommandRecord record = CommandRecord.claim("backup", TARGET, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), Instant.now()).moved(state, Instant.now());
        store.saveCommand(record);
        return store.keys().command("backup", TARGET, record.commandId());
    }

    /** The record of a restore into another target that reads {@code archive}, as its job writes it. */
    private String restore(String archive, CommandRecord.State state) {
        CommandRecord record = CommandRecord.claim("restore", WorkerStack.RESTORE, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), Instant.now()).withArchive(archive, Instant.now()).moved(state,
                        Instant.now());
        store.saveCommand(record);
        return store.keys().command("restore", WorkerStack.RESTORE, record.commandId());
    }

    private String reaction(ReactionRecord.State state) {
        String restoreJobId = UUID.randomUUID().toString();
        store.recordReaction(new ReactionRecord("backfill", restoreJobId, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), TARGET, state, 2, 1, Instant.now(), Instant.now(), null, null, null));
        return store.keys().reaction("backfill", restoreJobId);
    }

    private void complete(String name, Instant at) {
        String key = archiveOnly(name, at);
        put(ArchiveKeys.manifestOf(key), manifestJson(key, name.length()));
    }

    private String archiveOnly(String name, Instant at) {
        String key = key(at);
        put(key, name);
        made.put(key, name);
        return key;
    }

    private String archive(String name) {
        return made.entrySet().stream().filter(e -> e.getValue().equals(name)).findFirst().orElseThrow().getKey();
    }

    private static String key(Instant at) {
        return new ArchiveKeys(WorkerStack.PREFIX).archive(TARGET, at);
    }

    private static String folder() {
        return new ArchiveKeys(WorkerStack.PREFIX).targetPrefix(TARGET);
    }

    private static void put(String key, String body) {
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(key), RequestBody.fromString(body));
    }

    private static String manifestJson(String key, long bytes) {
        return "{\"manifestVersion\":" + Manifest.VERSION + ",\"archiveKey\":\"" + key + "\",\"target\":\"" + TARGET
                + "\",\"commandId\":\"" + UUID.randomUUID() + "\",\"jobId\":\"" + UUID.randomUUID()
                + "\",\"format\":\"custom\",\"bytes\":" + bytes + ",\"sha256\":\"00\",\"pgDumpVersion\":\"15\","
                + "\"serverVersion\":\"15\",\"databaseBytes\":1,\"startedAt\":\"2026-01-01T00:00:00Z\","
                + "\"completedAt\":\"2026-01-01T00:00:01Z\",\"rlsTables\":[]}";
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
