package dev.shoehorn.backup.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.job.Failure;
import dev.shoehorn.backup.progress.CloudEvent;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.ErrorInfo;
import dev.shoehorn.backup.progress.EventData;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.Manifest;

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

    private static ContractSchemas schemas;

    @BeforeAll
    static void load() {
        schemas = ContractSchemas.load();
    }

    /** What each stage of BackupCommandConsumer, DumpStreamer and BackupService puts into its event. */
    static Stream<Arguments> events() {
        ErrorInfo storage = ErrorInfo.of(Failure.retryable(ErrorCode.STORAGE_ERROR, "uploading: 503"));
        return Stream.of(
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
                                        false))))));
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
