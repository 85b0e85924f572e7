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

import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.command.Rejection;
import dev.shoehorn.backup.command.RestoreCommand;
import dev.shoehorn.backup.command.RestoreCommandParser;
import dev.shoehorn.backup.command.TestCommandConfig;
import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.job.Failure;
import dev.shoehorn.backup.progress.CloudEvent;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.ErrorInfo;
import dev.shoehorn.backup.progress.EventData;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.restore.RestoreConfig;
import dev.shoehorn.backup.restore.RestoreMode;
import dev.shoehorn.backup.restore.RestoreService;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
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
        return Stream.concat(Stream.of(
                event(EventType.BACKUP_ACCEPTED, 1, Details.NONE.requested("ops-cli:alice", "before upgrade")),
                event(EventType.BACKUP_ACCEPTED, 1, Details.NONE.requested("scheduler", null)),
                event(EventType.BACKUP_SKIPPED, 1, Details.NONE.originalJob(UUID.randomUUID().toString())),
                event(EventType.BACKUP_STARTED, 2, Details.NONE.bytes(0, 52_428_800, 0)),
                event(EventType.BACKUP_PROGRESS, 3, Details.NONE.bytes(13_107_200, 52_428_800, 25)),
                event(EventType.BACKUP_UPLOADED, 4, Details.NONE.bytes(ARCHIVE.bytes(), ARCHIVE.bytes(), 100)
                        .archive(ARCHIVE)),
                event(EventType.BACKUP_COMPLETED, 5, Details.NONE.archive(ARCHIVE).duration(95_123)),
                event(EventType.BACKUP_FAILED, 5, Details.NONE.error(storage).duration(12_345)),
                Arguments.of(EventType.BACKUP_REJECTED, new CloudEvent(CloudEvent.SPEC_VERSION,
                        UUID.randomUUID().toString(), "backup-worker/test", EventType.BACKUP_REJECTED.type(), null,
                        now(), "application/json", new EventData(JOB, null, null, 1, 1, Details.NONE
                                .error(new ErrorInfo(ErrorCode.INVALID_JSON.name(), "the record is not JSON",
                                        false)))))),
                restoreEvents());
    }

    /**
     * What each stage of CommandIntake, RestoreService and ArchiveRestorer puts into its event, built
     * from the RestoreCommand that RestoreCommandParser makes of the contract's example; and what
     * the reactions to restore.completed put into theirs (built with the withers they use).
     */
    static Stream<Arguments> restoreEvents() {
        RestoreCommandParser parser = restoreParser();
        RestoreCommand command = parser.parse(bytes(RESTORE_RECORD));
        RestoreCommand withReason = parser.parse(bytes(RESTORE_RECORD.replace("}}",
                "},\"reason\":\"refresh staging\"}")));
        RestoreCommand swap = parser.parse(bytes(RESTORE_RECORD.replace("}}", "},\"mode\":\"swap\"}")));
        RestoreCommand rollback = parser.parse(bytes(RESTORE_RECORD.replace(
                "\"sourceTarget\":\"shoehorn\",\"archive\":\"latest\",", "\"rollbackOf\":\"" + RESTORE_JOB + "\",")));
        String commandId = command.commandId().toString();
        String target = command.target();
        ArchiveRef archive = command.manifest().archive();
        long size = archive.bytes();
        // accepted: exactly what RestoreService tells CommandIntake to put into it
        RestoreService service = new RestoreService(null, null, null, null, null, null, null, null, null);
        // rejected: as CommandIntake reports a Rejection, with and without the command's identity
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
        Details reaction = Details.NONE.restoreJob(RESTORE_JOB);
        return Stream.of(
                restoreEvent(EventType.RESTORE_ACCEPTED, 1, service.acceptedDetails(command), commandId, target),
                restoreEvent(EventType.RESTORE_ACCEPTED, 1, service.acceptedDetails(withReason), commandId, target),
                restoreEvent(EventType.RESTORE_ACCEPTED, 1, service.acceptedDetails(swap), commandId, target),
                restoreEvent(EventType.RESTORE_ACCEPTED, 1, service.acceptedDetails(rollback), commandId, target),
                restoreEvent(EventType.RESTORE_REJECTED, 1, Details.NONE.error(confirmation), commandId, target),
                restoreEvent(EventType.RESTORE_REJECTED, 1, Details.NONE.error(storageRefused), null, null),
                restoreEvent(EventType.RESTORE_SKIPPED, 1, Details.NONE.originalJob(new CommandRecord(commandId,
                        "restore", target, UUID.randomUUID().toString(), archive.key(), Instant.now()).jobId()),
                        commandId, target),
                restoreEvent(EventType.RESTORE_STARTED, 2, Details.NONE.sourceTarget(command.sourceTarget())
                        .archive(archive).bytes(0, size, 0), commandId, target),
                restoreEvent(EventType.RESTORE_PROGRESS, 3, Details.NONE.bytes(size / 4, size,
                        (int) Math.min(99, size / 4 * 100 / Math.max(1, size))), commandId, target),
                restoreEvent(EventType.RESTORE_VERIFIED, 4, Details.NONE.archive(archive).bytes(size, size, 99),
                        commandId, target),
                restoreEvent(EventType.RESTORE_APPLIED, 5, Details.NONE.archive(archive).duration(58_210),
                        commandId, target),
                restoreEvent(EventType.RESTORE_MIGRATED, 6, Details.NONE, commandId, target),
                restoreEvent(EventType.RESTORE_RLS_VERIFIED, 7,
                        Details.NONE.rlsTables(command.manifest().rlsTables()), commandId, target),
                restoreEvent(EventType.RESTORE_RLS_VERIFIED, 6, Details.NONE.rlsTables(List.of()), commandId, target),
                restoreEvent(EventType.RESTORE_COMPLETED, 8, Details.NONE.sourceTarget(command.sourceTarget())
                        .archive(archive).postRestore(command.postRestore()).duration(61_234), commandId, target),
                restoreEvent(EventType.RESTORE_COMPLETED, 8, Details.NONE.mode("swap").postRestore(swap.postRestore())
                        .keptDatabase("shoehorn_staging_before_0a1b2c3d").duration(61_234)
                        .sourceTarget(swap.sourceTarget()).archive(archive), commandId, target),
                restoreEvent(EventType.RESTORE_COMPLETED, 2, Details.NONE.mode("swap").postRestore(rollback.postRestore())
                        .keptDatabase("shoehorn_staging_before_6f7a8b9c").duration(1_873)
                        .rollbackOf(rollback.rollbackOf()), commandId, target),
                restoreEvent(EventType.RESTORE_FAILED, 7, Details.NONE.mode("swap").targetChanged(false)
                        .error(rlsMissing).duration(60_112), commandId, target),
                restoreEvent(EventType.RESTORE_FAILED, 4, Details.NONE.error(corrupt).duration(41_877), commandId,
                        target),
                restoreEvent(EventType.RESTORE_FAILED, 7, Details.NONE.error(rlsMissing).duration(60_112), commandId,
                        target),
                reactionEvent(EventType.BACKFILL_REQUESTED, 1, reaction.backfill("2026-11-28T03:05:12Z",
                        List.of("documents", "projects")), commandId, target),
                reactionEvent(EventType.BACKFILL_REQUESTED, 1, reaction.backfill(null, null), commandId, target),
                reactionEvent(EventType.BACKFILL_COMPLETED, 2, reaction.duration(183_000), commandId, target),
                reactionEvent(EventType.BACKFILL_COMPLETED, 2, reaction, commandId, target),
                reactionEvent(EventType.BACKFILL_FAILED, 2, reaction.error(backfillTimeout), commandId, target),
                reactionEvent(EventType.CACHE_FLUSHED, 1, reaction.cache("flushdb", 18_234L), commandId, target),
                reactionEvent(EventType.CACHE_FLUSHED, 1, reaction.cache("patterns", 0L), commandId, target),
                reactionEvent(EventType.CACHE_FLUSH_FAILED, 1, reaction.error(cacheFailed), commandId, target));
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
        // When the contract's restore command is parsed by the worker
        RestoreCommand command = restoreParser().parse(bytes(RESTORE_RECORD));

        // Then latest resolved to the source's newest archive, and the steps are as asked
        assertThat(command.sourceTarget()).isEqualTo("shoehorn");
        assertThat(command.manifest().archiveKey()).isEqualTo(new ArchiveKeys("backups").archive("shoehorn",
                ARCHIVED_AT));
        assertThat(command.postRestore().migrate()).isFalse();
        assertThat(command.postRestore().backfill()).isTrue();
        assertThat(command.postRestore().flushCache()).isTrue();
    }

    @Test
    void theModeOfARestoreIsTheCommandsOrTheWorkersDefault() {
        // When the contract's restore command is parsed without a mode, and with each
        RestoreCommand byDefault = restoreParser().parse(bytes(RESTORE_RECORD));
        RestoreCommand swap = restoreParser().parse(bytes(RESTORE_RECORD.replace("}}", "},\"mode\":\"swap\"}")));
        RestoreCommand single = restoreParser().parse(bytes(RESTORE_RECORD.replace("}}",
                "},\"mode\":\"single-transaction\"}")));

        // Then the worker's default (single-transaction) applies only where the command says nothing
        assertThat(byDefault.mode()).isEqualTo(RestoreMode.SINGLE_TRANSACTION);
        assertThat(swap.mode()).isEqualTo(RestoreMode.SWAP);
        assertThat(single.mode()).isEqualTo(RestoreMode.SINGLE_TRANSACTION);
        assertThat(swap.isRollback()).isFalse();
    }

    @Test
    void aRollbackIsASwapOfNoArchiveWithoutMigrations() {
        // When a rollback names the restore job by its id in upper case and asks nothing of the steps
        RestoreCommand rollback = restoreParser().parse(bytes("{\"commandId\":\"" + COMMAND + "\","
                + "\"target\":\"shoehorn_demo_restore\",\"requestedBy\":\"ops-cli:alice\","
                + "\"rollbackOf\":\"" + RESTORE_JOB.toUpperCase() + "\"}"));

        // Then it is a swap that restores no archive, runs no migrations, and names the job in lower case
        assertThat(rollback.isRollback()).isTrue();
        assertThat(rollback.rollbackOf()).isEqualTo(RESTORE_JOB);
        assertThat(rollback.mode()).isEqualTo(RestoreMode.SWAP);
        assertThat(rollback.manifest()).isNull();
        assertThat(rollback.postRestore().migrate()).isFalse();
        assertThat(rollback.postRestore().backfill()).isTrue();
    }

    static Stream<Arguments> restoreCommandExamples() {
        return stream(schemas().document("restore-command.schema.json").path("examples"))
                .map(example -> Arguments.of(example.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restoreCommandExamples")
    void everyRestoreCommandExampleOfTheSchemaIsAcceptedByTheWorker(String record) {
        // Given targets that exist, restorable ones, a protected one, and archives that have manifests
        RestoreCommandParser parser = restoreParser();

        // Then every example of the schema is a restore the worker would run: of an archive, or a rollback
        RestoreCommand command = parser.parse(bytes(record));
        assertThat(command.isRollback() ? command.rollbackOf() : command.archive()).isNotBlank();
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
                () -> restoreParser().parse(bytes(record)));
        assertThat(e).as(mistake).isNotNull();
    }

    @Test
    void theRestoreCounterExamplesIncludeThoseAboutTheArchiveAndRequestedBy() {
        assertThat(restoreCommandMistakes().map(a -> (String) a.get()[0]))
                .anyMatch(m -> m.contains("requestedBy"))
                .anyMatch(m -> m.contains("../x"));
    }

    private static Arguments restoreEvent(EventType type, long seq, Details details, String commandId,
            String target) {
        return Arguments.of(type, new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(),
                "backup-worker/test", type.type(), target, now(), "application/json",
                new EventData(RESTORE_JOB, commandId, target, seq, 1, details)));
    }

    private static Arguments reactionEvent(EventType type, long seq, Details details, String commandId,
            String target) {
        return Arguments.of(type, new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(),
                "backup-worker/test", type.type(), target, now(), "application/json",
                new EventData(REACTION_JOB, commandId, target, seq, 1, details)));
    }

    /** Post-restore defaults of a worker, as configured. */
    private record RestoreDefaults(boolean migrate, boolean backfill, boolean flushCache) implements RestoreConfig {

        @Override
        public RestoreMode mode() {
            return RestoreMode.SINGLE_TRANSACTION;
        }

        @Override
        public java.time.Duration keepBefore() {
            return java.time.Duration.ofHours(24);
        }

        @Override
        public java.time.Duration sweepInterval() {
            return java.time.Duration.ofMinutes(15);
        }
    }

    /**
     * The worker's parser over the targets of the examples (shoehorn_staging protected and
     * restorable, shoehorn_demo_restore restorable, the sources plain), and a store in which every
     * archive of the layout is complete: latest is the source's archive of {@link #ARCHIVED_AT}.
     */
    static RestoreCommandParser restoreParser() {
        Map<String, dev.shoehorn.backup.target.TargetsConfig.TargetConfig> targets = Map.of(
                "shoehorn", target("shoehorn", false, false),
                "shoehorn_demo", target("shoehorn_demo", true, true),
                "shoehorn_staging", target("shoehorn_staging", true, true),
                "shoehorn_demo_restore", target("shoehorn_demo_restore", false, true));
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
        };
        return new RestoreCommandParser(new com.fasterxml.jackson.databind.ObjectMapper(),
                new TargetRegistry(() -> targets), TestCommandConfig.limit(65_536), store, new RestoreDefaults(false, true, true));
    }

    private static TestTargets.Config target(String database, boolean isProtected, boolean restorable) {
        return new TestTargets.Config("127.0.0.1", 5432, database, "postgres", Optional.empty(), Optional.empty(),
                Optional.empty(), isProtected, restorable, Optional.empty());
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

    private static Arguments event(EventType type, long seq, Details details) {
        return Arguments.of(type, new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(),
                "backup-worker/test", type.type(), TARGET, now(), "application/json",
                new EventData(JOB, COMMAND, TARGET, seq, 1, details)));
    }

    /** As ProgressPublisher stamps events. */
    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
