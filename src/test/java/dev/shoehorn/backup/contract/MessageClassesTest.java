package dev.shoehorn.backup.contract;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.shoehorn.backup.backup.BackupEvents;
import dev.shoehorn.backup.command.CommandEvents;
import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.command.Rejection;
import dev.shoehorn.backup.command.TestCommandConfig;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.overdue.OverdueEvents;
import dev.shoehorn.backup.progress.CloudEvent;
import dev.shoehorn.backup.progress.EventEnvelope;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.reaction.ReactionEvents;
import dev.shoehorn.backup.restore.DrillEvents;
import dev.shoehorn.backup.restore.DrillRunner;
import dev.shoehorn.backup.restore.PostRestore;
import dev.shoehorn.backup.restore.RestoreCommand;
import dev.shoehorn.backup.retention.Pruner;
import dev.shoehorn.backup.retention.RetentionEvents;
import dev.shoehorn.backup.restore.RestoreCommandParser;
import dev.shoehorn.backup.restore.RestoreConfig;
import dev.shoehorn.backup.restore.RestoreEvents;
import dev.shoehorn.backup.restore.RestoreMode;
import dev.shoehorn.backup.restore.RestoreService;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.PutIfAbsent;
import dev.shoehorn.backup.storage.StorageConfig;
import dev.shoehorn.backup.target.TargetRegistry;
import dev.shoehorn.backup.target.TestTargets;

/**
 * The worker's message records, serialised as the worker serialises them, pass the contract's
 * schemas: a renamed or retyped field fails here in a second, before the integration test.
 */
class MessageClassesTest {

    /** Like Quarkus's default ObjectMapper: java.time as ISO-8601 text, modules found on the class path. */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String JOB = UUID.randomUUID().toString();
    private static final String COMMAND = UUID.randomUUID().toString();
    private static final String TARGET = "shoehorn_demo";
    private static final ArchiveRef ARCHIVE = new ArchiveRef(
            new ArchiveKeys("backups").archive(TARGET, Instant.parse("2026-11-28T02:00:00Z")), 48_828_125,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "custom");

    /** A restore job, and a reaction to it (a job of its own, with the restore's command and target). */
    private static final String RESTORE_JOB = UUID.randomUUID().toString();
    private static final String REACTION_JOB = UUID.randomUUID().toString();
    /** The restore command of the contract, as a record on restore.commands. */
    private static final String RESTORE_RECORD = "{\"commandId\":\"8c1c3e7a-0a8b-4c55-b0c3-3f6f8e1f2b01\","
            + "\"target\":\"shoehorn_staging\",\"sourceTarget\":\"shoehorn\",\"archive\":\"latest\","
            + "\"requestedBy\":\"ops-cli:alice\",\"confirm\":\"shoehorn_staging\","
            + "\"postRestore\":{\"migrate\":false,\"backfill\":true,\"flushCache\":true}}";
    private static final Instant ARCHIVED_AT = Instant.parse("2026-11-28T02:00:00Z");

    private static ContractSchemas schemas;

    @BeforeAll
    static void load() {
        schemas = ContractSchemas.load();
    }

    /** What each stage of CommandIntake, DumpStreamer and BackupService puts into its backup event; then the restore's. */
    static Stream<Arguments> events() {
        ErrorInfo storage = ErrorInfo.of(Failure.retryable(ErrorCode.STORAGE_ERROR, "uploading: 503"));
        CommandRecord earlier = CommandRecord.claim("backup", TARGET, COMMAND, UUID.randomUUID().toString(),
                Instant.now()).moved(CommandRecord.State.FAILED, Instant.now());
        return Stream.concat(Stream.of(
                event(1, new BackupEvents.Accepted("ops-cli:alice", "before upgrade")),
                event(1, new BackupEvents.Accepted("scheduler", null)),
                event(1, CommandEvents.Skipped.of(EventType.BACKUP_SKIPPED, earlier)),
                event(2, new BackupEvents.CaughtUp(Instant.parse("2026-11-28T02:00:00Z"), "0 2 * * *", "UTC",
                        List.of(Instant.parse("2026-11-27T02:00:00Z"), Instant.parse("2026-11-28T02:00:00Z")), 2,
                        "no-worker")),
                event(2, new BackupEvents.Started(0, 52_428_800, 0)),
                event(3, new BackupEvents.Progress(13_107_200, 52_428_800, 25)),
                event(4, new BackupEvents.Uploaded(ARCHIVE.bytes(), ARCHIVE.bytes(), 100, ARCHIVE)),
                event(5, new BackupEvents.Completed(ARCHIVE, 95_123)),
                event(5, new BackupEvents.Failed(storage, 12_345)),
                envelope(JOB, null, TARGET, 1, new RetentionEvents.Pruned("schedule",
                        new RetentionEvents.Rules(3, 1_209_600, 7, 4, 0),
                        List.of(new Pruner.Item(ARCHIVE.key() + ".manifest.json", "older-than-max-age"),
                                new Pruner.Item(ARCHIVE.key(), "older-than-max-age")), 2,
                        List.of(new Pruner.Item(ARCHIVE.key(), "newest-complete")), 1,
                        List.of(new Pruner.FailedItem(ARCHIVE.key(), "incomplete:no-manifest",
                                "deleting it: Access Denied (403)")), 1, 4, 377)),
                envelope(JOB, null, TARGET, 1, new OverdueEvents.Overdue(ARCHIVED_AT, ARCHIVE.key(), 90_000,
                        ARCHIVED_AT.plusSeconds(90_000), "0 2 * * * UTC")),
                envelope(JOB, null, TARGET, 1, new OverdueEvents.Overdue(null, null, 90_000,
                        ARCHIVED_AT.plusSeconds(90_000), null)),
                envelope(JOB, null, TARGET, 1, new OverdueEvents.OverdueCleared(ARCHIVED_AT.plusSeconds(90_000),
                        ARCHIVED_AT.plusSeconds(100_000), ARCHIVE.key(), 10_000)),
                envelope(JOB, null, null, 1, new CommandEvents.Rejected(EventType.BACKUP_REJECTED,
                        new ErrorInfo(ErrorCode.INVALID_JSON.name(), "the record is not JSON", false)))),
                restoreEvents());
    }

    /**
     * What each stage of CommandIntake, RestoreService and ArchiveRestorer puts into its event, built
     * from the RestoreCommand that the worker makes of the contract's example; and what the
     * reactions to restore.completed put into theirs.
     */
    static Stream<Arguments> restoreEvents() {
        RestoreService service = restoreService();
        RestoreCommand command = service.admit(restoreParser().parse(bytes(RESTORE_RECORD)));
        RestoreCommand withReason = service.admit(restoreParser().parse(bytes(RESTORE_RECORD.replace("}}",
                "},\"reason\":\"refresh staging\",\"mode\":\"swap\"}"))));
        RestoreCommand drill = service.admit(restoreParser().parse(bytes("{\"commandId\":\"" + UUID.randomUUID()
                + "\",\"target\":\"shoehorn\",\"requestedBy\":\"scheduler\",\"drill\":true}")));
        // as admitted when the drill's archive does not exist
        RestoreCommand drillWithoutArchive = drill.admitted(null, PostRestore.NONE, RestoreMode.SWAP);
        RestoreCommand rollback = service.admit(restoreParser().parse(bytes("{\"commandId\":\""
                + UUID.randomUUID() + "\",\"target\":\"shoehorn_staging\",\"rollbackOf\":\"0a1b2c3d\","
                + "\"requestedBy\":\"ops-cli:alice\",\"confirm\":\"shoehorn_staging\"}")));
        String commandId = command.commandId().toString();
        String target = command.target();
        ArchiveRef archive = command.manifest().archive();
        long size = archive.bytes();
        ErrorInfo confirmation = ErrorInfo.of(new Rejection(ErrorCode.CONFIRMATION_REQUIRED,
                "target shoehorn_staging is protected: confirm must equal its name", commandId, target).failure());
        ErrorInfo storageRefused = ErrorInfo.of(new Rejection(ErrorCode.STORAGE_ERROR,
                "listing archives of shoehorn: Access Denied (403)", null, null).failure());
        ErrorInfo corrupt = ErrorInfo.of(Failure.permanent(ErrorCode.ARCHIVE_CORRUPT,
                archive.key() + " does not match its manifest; the target was not changed"));
        ErrorInfo rlsMissing = ErrorInfo.of(Failure.permanent(ErrorCode.RLS_MISSING,
                "tables without row-level security after the restore: public.documents"));
        ErrorInfo backfillTimeout = ErrorInfo.of(Failure.retryable(ErrorCode.BACKFILL_TIMEOUT,
                "the re-index did not finish in time"));
        ErrorInfo cacheFailed = ErrorInfo.of(Failure.retryable(ErrorCode.CACHE_FLUSH_FAILED,
                "the cache refused the connection"));
        CommandRecord earlier = CommandRecord.claim("restore", target, commandId, UUID.randomUUID().toString(),
                Instant.now()).moved(CommandRecord.State.COMPLETED, Instant.now());
        return Stream.of(
                envelope(RESTORE_JOB, commandId, target, 1, service.accepted(command)),
                envelope(RESTORE_JOB, commandId, target, 1, service.accepted(withReason)),
                envelope(RESTORE_JOB, commandId, target, 1, service.rejected(Failure.permanent(
                        ErrorCode.CONFIRMATION_REQUIRED, confirmation.message()))),
                envelope(RESTORE_JOB, null, null, 1, new CommandEvents.Rejected(EventType.RESTORE_REJECTED,
                        storageRefused)),
                envelope(RESTORE_JOB, commandId, target, 1, service.skipped(earlier)),
                envelope(RESTORE_JOB, commandId, target, 2, new RestoreEvents.Started(command.sourceTarget(), archive,
                        0, size, 0)),
                envelope(RESTORE_JOB, commandId, target, 3, new RestoreEvents.Progress(size / 4, size, 25)),
                envelope(RESTORE_JOB, commandId, target, 4, new RestoreEvents.Verified(archive, size, size, 99)),
                envelope(RESTORE_JOB, commandId, target, 5, new RestoreEvents.Applied(archive, "single-transaction",
                        58_210)),
                envelope(RESTORE_JOB, commandId, target, 5, new RestoreEvents.Applied(archive, "swap", 51_002)),
                envelope(RESTORE_JOB, commandId, target, 6, new RestoreEvents.Migrated()),
                envelope(RESTORE_JOB, commandId, target, 7,
                        new RestoreEvents.RlsVerified(command.manifest().rlsTables())),
                envelope(RESTORE_JOB, commandId, target, 6, new RestoreEvents.RlsVerified(List.of())),
                envelope(RESTORE_JOB, commandId, target, 8, new RestoreEvents.Completed(command.sourceTarget(),
                        archive, command.steps(), "single-transaction", null, null, 61_234)),
                envelope(RESTORE_JOB, commandId, target, 8, new RestoreEvents.Completed(command.sourceTarget(),
                        archive, command.steps(), "swap", "shoehorn_staging_before_0a1b2c3d", null, 63_910)),
                envelope(RESTORE_JOB, commandId, target, 1, service.accepted(rollback)),
                envelope(RESTORE_JOB, commandId, target, 3, new RestoreEvents.Completed(null, null,
                        rollback.steps(), "swap", "shoehorn_staging_before_7f3e9a10", "0a1b2c3d", 2_310)),
                envelope(RESTORE_JOB, commandId, target, 4, service.failed(command, RESTORE_JOB, Failure.permanent(
                        ErrorCode.ARCHIVE_CORRUPT, corrupt.message()), 41_877, false)),
                envelope(RESTORE_JOB, commandId, target, 7, service.failed(command, RESTORE_JOB, Failure.permanent(
                        ErrorCode.RLS_MISSING, rlsMissing.message()), 60_112, true)),
                envelope(RESTORE_JOB, commandId, target, 7, service.failed(withReason, RESTORE_JOB, Failure.permanent(
                        ErrorCode.MIGRATION_FAILED, "the migration command exited with 3"), 58_331, false)),
                envelope(RESTORE_JOB, commandId, target, 1, service.accepted(drill)),
                envelope(RESTORE_JOB, commandId, target, 9, new DrillEvents.Passed(archive, ".drills/r.json",
                        List.of(new DrillEvents.Check("restore", "passed", "restored in 812 ms"),
                                new DrillEvents.Check("row-counts", "skipped", "not recorded")), 812, 3_600_000, 2_310)),
                envelope(RESTORE_JOB, commandId, target, 9, new DrillEvents.Failed(archive, ".drills/r.json",
                        List.of(new DrillEvents.Check("row-counts", "failed", "public.tenants has 3 rows, the backup counted 4")),
                        812L, 3_600_000, 2_310, ErrorInfo.of(Failure.permanent(ErrorCode.DRILL_FAILED,
                                "drill checks failed: row-counts; the target was not touched")))),
                envelope(RESTORE_JOB, commandId, target, 3, service.failed(drill, RESTORE_JOB, Failure.retryable(
                        ErrorCode.TARGET_UNREACHABLE, "cannot create the drill's database"), 700, false)),
                envelope(RESTORE_JOB, commandId, target, 1, service.accepted(drillWithoutArchive)),
                envelope(RESTORE_JOB, commandId, target, 2, service.failed(drillWithoutArchive, RESTORE_JOB, Failure.permanent(
                        ErrorCode.ARCHIVE_NOT_FOUND, "no complete archive of shoehorn exists"), 41, false)),
                envelope(REACTION_JOB, commandId, target, 1, new ReactionEvents.BackfillRequested(RESTORE_JOB,
                        "2026-11-28T03:05:12Z", List.of("documents", "projects"))),
                envelope(RESTORE_JOB, commandId, target, 1, service.accepted(drill)),
                envelope(RESTORE_JOB, commandId, target, 9, new DrillEvents.Passed(archive, ".drills/r.json",
                        List.of(new DrillEvents.Check("restore", "passed", "restored in 812 ms"),
                                new DrillEvents.Check("row-counts", "skipped", "not recorded")), 812, 3_600_000, 2_310)),
                envelope(RESTORE_JOB, commandId, target, 9, new DrillEvents.Failed(archive, ".drills/r.json",
                        List.of(new DrillEvents.Check("row-counts", "failed", "public.tenants has 3 rows, the backup counted 4")),
                        812L, 3_600_000, 2_310, ErrorInfo.of(Failure.permanent(ErrorCode.DRILL_FAILED,
                                "drill checks failed: row-counts; the target was not touched")))),
                envelope(RESTORE_JOB, commandId, target, 3, service.failed(drill, RESTORE_JOB, Failure.retryable(
                        ErrorCode.TARGET_UNREACHABLE, "cannot create the drill's database"), 700, false)),
                envelope(REACTION_JOB, commandId, target, 1, new ReactionEvents.BackfillRequested(RESTORE_JOB, null,
                        null)),
                envelope(REACTION_JOB, commandId, target, 2, new ReactionEvents.BackfillCompleted(RESTORE_JOB,
                        183_000)),
                envelope(REACTION_JOB, commandId, target, 2, new ReactionEvents.BackfillFailed(RESTORE_JOB,
                        backfillTimeout, 7_200_000)),
                envelope(REACTION_JOB, commandId, target, 1, new ReactionEvents.CacheFlushed(RESTORE_JOB, "flushdb",
                        18_234, 120)),
                envelope(REACTION_JOB, commandId, target, 1, new ReactionEvents.CacheFlushed(RESTORE_JOB, "patterns",
                        0, 15)),
                envelope(REACTION_JOB, commandId, target, 1, new ReactionEvents.CacheFlushFailed(RESTORE_JOB,
                        "flushdb", cacheFailed, 3_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void anEventRecordAsSerialisedPassesTheSchemasOfItsType(EventType type, CloudEvent event) throws Exception {
        // When the worker's record is written as the worker writes it
        String json = JSON.writeValueAsString(event);

        // Then it passes the envelope and the data schema of its type
        assertThat(schemas.validateEvent(json)).isEmpty();
    }

    @Test
    void everyEventTypeIsCoveredAbove() {
        assertThat(events().map(a -> a.get()[0])).containsAll(List.of(EventType.values()));
    }

    @Test
    void aManifestAsSerialisedPassesItsSchema() throws Exception {
        // Given a manifest as DumpStreamer writes it, with and without a reason
        Instant started = Instant.now();
        Manifest withReason = new Manifest(Manifest.VERSION, ARCHIVE.key(), TARGET, COMMAND, JOB, "custom",
                ARCHIVE.bytes(), ARCHIVE.sha256(), "17.2", "16.6", 209_715_200, started, started.plusSeconds(95),
                List.of("public.documents", "public.projects"), "ops-cli:alice", "before upgrade");
        Manifest withoutReason = new Manifest(Manifest.VERSION, ARCHIVE.key(), TARGET, COMMAND, JOB, "custom",
                ARCHIVE.bytes(), ARCHIVE.sha256(), "17.2", "16.6", 0, started, started, List.of(), "scheduler", null);

        // Then both pass, as written to object storage
        assertThat(schemas.validate("manifest.schema.json",
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(withReason))).isEmpty();
        assertThat(schemas.validate("manifest.schema.json", JSON.writeValueAsString(withoutReason))).isEmpty();
    }

    @Test
    void theRestoreCommandOfTheContractBecomesTheCommandItDescribes() {
        // When the contract's restore command is read and admitted by the worker
        RestoreCommand command = restoreService().admit(restoreParser().parse(bytes(RESTORE_RECORD)));

        // Then latest resolved to the source's newest archive, and the steps are as asked
        assertThat(command.sourceTarget()).isEqualTo("shoehorn");
        assertThat(command.manifest().archiveKey()).isEqualTo(new ArchiveKeys("backups").archive("shoehorn",
                ARCHIVED_AT));
        assertThat(command.steps().migrate()).isFalse();
        assertThat(command.steps().backfill()).isTrue();
        assertThat(command.steps().flushCache()).isTrue();
    }

    @Test
    void aDrillWhoseArchiveDoesNotExistIsAcceptedAndLoggedWithoutOne() {
        // Given a drill admitted without an archive, as when its target has none
        RestoreService service = restoreService();
        RestoreCommand drill = service.admit(restoreParser().parse(bytes("{\"commandId\":\"" + UUID.randomUUID()
                + "\",\"target\":\"shoehorn\",\"requestedBy\":\"scheduler\",\"drill\":true}")))
                .admitted(null, PostRestore.NONE, RestoreMode.SWAP);

        // When its accepted event is made and logged
        StageEvent accepted = service.accepted(drill);

        // Then it names no archive
        assertThat(accepted.logFields()).contains("source=shoehorn archive=-");
    }

    static Stream<Arguments> restoreCommandExamples() {
        return stream(schemas().document("restore-command.schema.json").path("examples"))
                .map(example -> Arguments.of(example.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restoreCommandExamples")
    void everyRestoreCommandExampleOfTheSchemaIsAcceptedByTheWorker(String record) {
        // Given targets that exist, restorable ones, a protected one, and archives that have manifests
        // Then every example of the schema is a restore the worker would run
        RestoreCommand command = restoreService().admit(restoreParser().parse(bytes(record)));
        assertThat(command.isRollback() ? command.rollbackOf().isPresent() : command.manifest() != null).isTrue();
    }

    static Stream<Arguments> restoreCommandMistakes() {
        return SchemaExamplesTest.counterExamples()
                .filter(a -> "restore-command.schema.json".equals(a.get()[1]))
                .map(a -> Arguments.of(a.get()[0], a.get()[2].toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restoreCommandMistakes")
    void everyRestoreCommandTheSchemaRejectsTheWorkerRejectsToo(String mistake, String record) {
        // Given a command the schema rejects (SchemaExamplesTest's counter-examples)
        assertThat(schemas.validate("restore-command.schema.json", record)).as(mistake).isNotEmpty();

        // Then the worker refuses it as well, before touching any target
        RejectedException e = catchThrowableOfType(RejectedException.class,
                () -> restoreService().admit(restoreParser().parse(bytes(record))));
        assertThat(e).as(mistake).isNotNull();
    }

    @Test
    void theRestoreCounterExamplesIncludeThoseAboutTheArchiveAndRequestedBy() {
        assertThat(restoreCommandMistakes().map(a -> (String) a.get()[0]))
                .anyMatch(m -> m.contains("requestedBy"))
                .anyMatch(m -> m.contains("../x"));
    }

    /** Post-restore defaults of a worker, as configured. */
    private record RestoreDefaults(boolean migrate, RestoreMode mode, java.time.Duration keepBefore,
            java.time.Duration sweepInterval) implements RestoreConfig {

        @Override
        public Optional<java.nio.file.Path> workDir() {
            return Optional.empty();
        }
    }

    static RestoreCommandParser restoreParser() {
        return new RestoreCommandParser(new ObjectMapper(), TestCommandConfig.limit(65_536));
    }

    /**
     * The worker's restores over the targets of the examples (shoehorn_staging protected and
     * restorable, taking shoehorn's archives, with both reactions; shoehorn_demo_restore restorable;
     * the sources plain), and a store in which every archive of the layout is complete: latest is
     * the source's archive of {@link #ARCHIVED_AT}.
     */
    static RestoreService restoreService() {
        Map<String, TestTargets.Config> targets = Map.of(
                "shoehorn", TestTargets.config("shoehorn"),
                "shoehorn_demo", TestTargets.config("shoehorn_demo").restorable(true).reactions(true, true),
                "shoehorn_staging", TestTargets.config("shoehorn_staging").restorable(true)
                        .allowing("shoehorn", "shoehorn_staging").reactions(true, true),
                "shoehorn_demo_restore", TestTargets.config("shoehorn_demo_restore").restorable(false)
                        .allowing("shoehorn_demo", "shoehorn_demo_restore").reactions(true, true));
        StorageConfig storage = (StorageConfig) Proxy.newProxyInstance(StorageConfig.class.getClassLoader(),
                new Class<?>[] {StorageConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "prefix" -> "backups";
                    case "bucket" -> "shoehorn-backups";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ArchiveStore store = new ArchiveStore(null, storage, null) {
            @Override
            public Optional<Manifest> latestManifest(String source) {
                return Optional.of(manifestOf(keys().archive(source, ARCHIVED_AT), source));
            }

            @Override
            public Optional<Manifest> manifest(String archiveKey) {
                String folder = archiveKey.substring(0, archiveKey.lastIndexOf('/'));
                return Optional.of(manifestOf(archiveKey, folder.substring(folder.lastIndexOf('/') + 1)));
            }

            @Override
            public PutIfAbsent putJsonIfAbsent(String key, Object value) {
                return PutIfAbsent.CREATED; // a drill that could not run stores its report
            }
        };
        return new RestoreService(null, TestCommandConfig.limit(65_536), new RestoreDefaults(false,
                RestoreMode.SINGLE_TRANSACTION, java.time.Duration.ofHours(24), java.time.Duration.ofMinutes(15)),
                TestTargets.registry(targets), store, null, null, null, null, new DrillRunner(null, store), null);
    }

    private static Manifest manifestOf(String key, String source) {
        return new Manifest(Manifest.VERSION, key, source, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), "custom", 48_828_125,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "17.2", "16.6", 209_715_200,
                ARCHIVED_AT, ARCHIVED_AT.plusSeconds(95), List.of("public.documents", "public.projects"),
                "scheduler", null);
    }

    private static ContractSchemas schemas() {
        return schemas == null ? ContractSchemas.load() : schemas;
    }

    private static Stream<tools.jackson.databind.JsonNode> stream(tools.jackson.databind.JsonNode array) {
        List<tools.jackson.databind.JsonNode> nodes = new java.util.ArrayList<>();
        array.forEach(nodes::add);
        return nodes.stream();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Arguments event(long seq, StageEvent event) {
        return envelope(JOB, COMMAND, TARGET, seq, event);
    }

    /** As ProgressPublisher writes events. */
    private static Arguments envelope(String job, String commandId, String target, long seq, StageEvent event) {
        return Arguments.of(event.type(), EventEnvelope.of(JSON, "backup-worker/test", job, commandId, target, seq, 1,
                event));
    }
}
