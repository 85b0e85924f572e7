package dev.shoehorn.backup.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Every schema of {@code schemas/} is a sound draft 2020-12 schema whose examples pass and whose typical mistakes fail. */
class SchemaExamplesTest {

    private static ContractSchemas schemas;

    @BeforeAll
    static void load() {
        schemas = ContractSchemas.load();
    }

    static List<String> files() {
        return ContractSchemas.load().files();
    }

    @Test
    void theFolderHoldsTheContractsSchemas() {
        assertThat(files()).contains("backup-command.schema.json", "restore-command.schema.json",
                "cloudevent.schema.json", "event-data.schema.json", "manifest.schema.json", "common.schema.json",
                "events/backup.accepted.schema.json", "events/backup.completed.schema.json",
                "events/restore.accepted.schema.json", "events/restore.rejected.schema.json",
                "events/restore.skipped.schema.json", "events/restore.started.schema.json",
                "events/restore.progress.schema.json", "events/restore.verified.schema.json",
                "events/restore.applied.schema.json", "events/restore.migrated.schema.json",
                "events/restore.rls-verified.schema.json", "events/restore.completed.schema.json",
                "events/restore.failed.schema.json", "events/backfill.requested.schema.json",
                "events/backfill.completed.schema.json", "events/backfill.failed.schema.json",
                "events/cache.flushed.schema.json", "events/cache.flush-failed.schema.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void isAValidDraft202012SchemaWithItsV1Id(String file) {
        // Given the file as written
        JsonNode document = schemas.document(file);

        // Then it declares draft 2020-12 and its place under the v1 id, and the meta-schema accepts it
        assertThat(document.path("$schema").asString()).isEqualTo(ContractSchemas.META_SCHEMA);
        assertThat(document.path("$id").asString()).isEqualTo(ContractSchemas.BASE_ID + file);
        assertThat(schemas.metaSchema().validate(document)).isEmpty();

        // And every $ref in it resolves locally
        assertThat(schemas.schema(file)).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everyExampleIsValid(String file) {
        // Given the file's examples (a definitions-only file has them on its definitions)
        JsonNode document = schemas.document(file);
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (JsonNode example : document.path("examples")) {
            errors.addAll(schemas.validate(file, example));
            checked++;
        }
        for (var def : document.path("$defs").properties()) {
            for (JsonNode example : def.getValue().path("examples")) {
                errors.addAll(schemas.validate(file + "#/$defs/" + def.getKey(), example));
                checked++;
            }
        }

        // Then there are some, and all pass
        assertThat(checked).as("examples in " + file).isPositive();
        if (!"common.schema.json".equals(file)) {
            assertThat(document.path("examples").size()).as("top-level examples in " + file).isPositive();
        }
        assertThat(errors).isEmpty();
    }

    static Stream<Arguments> counterExamples() {
        return Stream.of(
                mistake("backup command without commandId", "backup-command.schema.json", c -> c.remove("commandId")),
                mistake("backup command with a commandId that is no UUID", "backup-command.schema.json",
                        c -> c.put("commandId", "abc")),
                mistake("backup command with a path as target", "backup-command.schema.json",
                        c -> c.put("target", "../x")),
                mistake("backup command with an upper-case target", "backup-command.schema.json",
                        c -> c.put("target", "Shoehorn")),
                mistake("backup command with a blank requestedBy", "backup-command.schema.json",
                        c -> c.put("requestedBy", "   ")),
                mistake("backup command with a too long requestedBy", "backup-command.schema.json",
                        c -> c.put("requestedBy", "x".repeat(201))),
                mistake("backup command with a too long reason", "backup-command.schema.json",
                        c -> c.put("reason", "x".repeat(1001))),
                mistake("backup command with parallel jobs in the custom format", "backup-command.schema.json",
                        c -> ((ObjectNode) c.get("options")).put("jobs", 4)),
                mistake("backup command with another format", "backup-command.schema.json",
                        c -> ((ObjectNode) c.get("options")).put("format", "plain")),
                mistake("backup command with a requestedAt without offset", "backup-command.schema.json",
                        c -> c.put("requestedAt", "2026-11-28T01:59:58")),
                mistake("restore command with a date as requestedAt", "restore-command.schema.json",
                        c -> c.put("requestedAt", "2026-11-28")),
                mistake("restore command without requestedBy", "restore-command.schema.json",
                        c -> c.remove("requestedBy")),
                mistake("restore command with an archive that is no key", "restore-command.schema.json",
                        c -> c.put("archive", "../../etc/passwd")),
                mistake("restore command with a non-boolean post-restore step", "restore-command.schema.json",
                        c -> ((ObjectNode) c.get("postRestore")).put("migrate", "yes")),
                mistake("restore command with ../x as archive", "restore-command.schema.json",
                        c -> c.put("archive", "../x")),
                mistake("restore command with .. inside an archive key of the layout", "restore-command.schema.json",
                        c -> c.put("archive", "backups/shoehorn/../shoehorn/shoehorn_20261128_020000.dump")),
                mistake("restore command with an empty archive", "restore-command.schema.json",
                        c -> c.put("archive", "")),
                mistake("restore command with a blank requestedBy", "restore-command.schema.json",
                        c -> c.put("requestedBy", " ")),
                mistake("restore command without commandId", "restore-command.schema.json",
                        c -> c.remove("commandId")),
                mistake("restore command without target", "restore-command.schema.json", c -> c.remove("target")),
                mistake("restore command with a path as sourceTarget", "restore-command.schema.json",
                        c -> c.put("sourceTarget", "../shoehorn")),
                mistake("restore command with a number as confirm", "restore-command.schema.json",
                        c -> c.put("confirm", 1)),
                mistake("restore command with a too long reason", "restore-command.schema.json",
                        c -> c.put("reason", "x".repeat(1001))),
                mistake("restore command with postRestore that is no object", "restore-command.schema.json",
                        c -> c.put("postRestore", "all")),
                mistake("restore command in an unknown mode", "restore-command.schema.json",
                        c -> c.put("mode", "fast")),
                mistake("rollback that names an archive", "restore-command.schema.json",
                        c -> c.put("rollbackOf", "0a1b2c3d")),
                mistake("rollback of something that is no job", "restore-command.schema.json",
                        c -> rollback(c).put("rollbackOf", "yesterday")),
                mistake("rollback in single-transaction mode", "restore-command.schema.json",
                        c -> rollback(c).put("mode", "single-transaction")),
                mistake("rollback that asks for migrations", "restore-command.schema.json",
                        c -> ((ObjectNode) rollback(c).get("postRestore")).put("migrate", true)),
                mistake("event with another specversion", "cloudevent.schema.json", e -> e.put("specversion", "0.3")),
                mistake("event of a type outside the contract", "cloudevent.schema.json",
                        e -> e.put("type", "dev.shoehorn.backup.exploded")),
                mistake("event with an impossible time", "cloudevent.schema.json",
                        e -> e.put("time", "2026-11-28T25:00:00Z")),
                mistake("event without data", "cloudevent.schema.json", e -> e.remove("data")),
                mistake("data with seq 0", "event-data.schema.json", d -> d.put("seq", 0)),
                mistake("data with attempt 0", "event-data.schema.json", d -> d.put("attempt", 0)),
                mistake("data without jobId", "event-data.schema.json", d -> d.remove("jobId")),
                mistake("data with percent over 100", "events/backup.progress.schema.json",
                        d -> d.put("percent", 101)),
                mistake("started with seq 0", "events/backup.started.schema.json", d -> d.put("seq", 0)),
                mistake("started without bytesTotal", "events/backup.started.schema.json",
                        d -> d.remove("bytesTotal")),
                mistake("accepted without commandId", "events/backup.accepted.schema.json",
                        d -> d.remove("commandId")),
                mistake("progress without percent", "events/backup.progress.schema.json", d -> d.remove("percent")),
                mistake("skipped without originalJobId", "events/backup.skipped.schema.json",
                        d -> d.remove("originalJobId")),
                mistake("uploaded without archive", "events/backup.uploaded.schema.json", d -> d.remove("archive")),
                mistake("completed with a too short sha256", "events/backup.completed.schema.json",
                        d -> ((ObjectNode) d.get("archive")).put("sha256", "9f86d081884c7d65")),
                mistake("completed with an archive key outside the layout", "events/backup.completed.schema.json",
                        d -> ((ObjectNode) d.get("archive")).put("key", "backups/shoehorn/latest.tar")),
                mistake("failed without error", "events/backup.failed.schema.json", d -> d.remove("error")),
                mistake("failed with an error without code", "events/backup.failed.schema.json",
                        d -> ((ObjectNode) d.get("error")).remove("code")),
                mistake("rejected that claims to be retryable", "events/backup.rejected.schema.json",
                        d -> ((ObjectNode) d.get("error")).put("retryable", true)),
                mistake("restore accepted without sourceTarget", "events/restore.accepted.schema.json",
                        d -> d.remove("sourceTarget")),
                mistake("restore accepted without archive", "events/restore.accepted.schema.json",
                        d -> d.remove("archive")),
                mistake("restore accepted without postRestore", "events/restore.accepted.schema.json",
                        d -> d.remove("postRestore")),
                mistake("restore accepted with a post-restore step left out", "events/restore.accepted.schema.json",
                        d -> ((ObjectNode) d.get("postRestore")).remove("flushCache")),
                mistake("restore accepted without requestedBy", "events/restore.accepted.schema.json",
                        d -> d.remove("requestedBy")),
                mistake("restore accepted in an unknown mode", "events/restore.accepted.schema.json",
                        d -> d.put("mode", "fast")),
                mistake("restore accepted of a rollback in single-transaction mode",
                        "events/restore.accepted.schema.json",
                        d -> rollback(d).put("mode", "single-transaction")),
                mistake("restore rejected that claims to be retryable", "events/restore.rejected.schema.json",
                        d -> ((ObjectNode) d.get("error")).put("retryable", true)),
                mistake("restore rejected with seq 2", "events/restore.rejected.schema.json", d -> d.put("seq", 2)),
                mistake("restore rejected without error", "events/restore.rejected.schema.json",
                        d -> d.remove("error")),
                mistake("restore skipped without originalJobId", "events/restore.skipped.schema.json",
                        d -> d.remove("originalJobId")),
                mistake("restore started without archive", "events/restore.started.schema.json",
                        d -> d.remove("archive")),
                mistake("restore started without sourceTarget", "events/restore.started.schema.json",
                        d -> d.remove("sourceTarget")),
                mistake("restore started with bytes already done", "events/restore.started.schema.json",
                        d -> d.put("bytesDone", 1024).put("percent", 1)),
                mistake("restore progress at 100 percent", "events/restore.progress.schema.json",
                        d -> d.put("percent", 100)),
                mistake("restore progress without bytesDone", "events/restore.progress.schema.json",
                        d -> d.remove("bytesDone")),
                mistake("restore verified without archive", "events/restore.verified.schema.json",
                        d -> d.remove("archive")),
                mistake("restore verified at 100 percent", "events/restore.verified.schema.json",
                        d -> d.put("percent", 100)),
                mistake("restore verified with a too short sha256", "events/restore.verified.schema.json",
                        d -> ((ObjectNode) d.get("archive")).put("sha256", "abc")),
                mistake("restore applied without durationMs", "events/restore.applied.schema.json",
                        d -> d.remove("durationMs")),
                mistake("restore applied without archive", "events/restore.applied.schema.json",
                        d -> d.remove("archive")),
                mistake("restore migrated without commandId", "events/restore.migrated.schema.json",
                        d -> d.remove("commandId")),
                mistake("restore rls-verified without rlsTables", "events/restore.rls-verified.schema.json",
                        d -> d.remove("rlsTables")),
                mistake("restore rls-verified with a table without its schema",
                        "events/restore.rls-verified.schema.json",
                        d -> ((ArrayNode) d.get("rlsTables")).add("documents")),
                mistake("restore rls-verified with a table twice", "events/restore.rls-verified.schema.json",
                        d -> ((ArrayNode) d.get("rlsTables")).add("public.documents")),
                mistake("restore completed without postRestore", "events/restore.completed.schema.json",
                        d -> d.remove("postRestore")),
                mistake("restore completed with a post-restore step that is no boolean",
                        "events/restore.completed.schema.json",
                        d -> ((ObjectNode) d.get("postRestore")).put("backfill", "yes")),
                mistake("restore completed without durationMs", "events/restore.completed.schema.json",
                        d -> d.remove("durationMs")),
                mistake("restore completed without sourceTarget", "events/restore.completed.schema.json",
                        d -> d.remove("sourceTarget")),
                mistake("restore failed without error", "events/restore.failed.schema.json", d -> d.remove("error")),
                mistake("restore failed without durationMs", "events/restore.failed.schema.json",
                        d -> d.remove("durationMs")),
                mistake("restore failed without target", "events/restore.failed.schema.json", d -> d.remove("target")),
                mistake("restore failed with targetChanged that is no boolean", "events/restore.failed.schema.json",
                        d -> d.put("targetChanged", "no")),
                mistake("restore completed with a kept database name too long for PostgreSQL",
                        "events/restore.completed.schema.json", d -> d.put("keptDatabase", "x".repeat(64))),
                mistake("backfill requested without restoreJobId", "events/backfill.requested.schema.json",
                        d -> d.remove("restoreJobId")),
                mistake("backfill requested with a restoreJobId that is no UUID",
                        "events/backfill.requested.schema.json", d -> d.put("restoreJobId", "restore-1")),
                mistake("backfill requested with collections as text", "events/backfill.requested.schema.json",
                        d -> d.put("collections", "documents")),
                mistake("backfill completed without restoreJobId", "events/backfill.completed.schema.json",
                        d -> d.remove("restoreJobId")),
                mistake("backfill completed with a negative durationMs", "events/backfill.completed.schema.json",
                        d -> d.put("durationMs", -1)),
                mistake("backfill failed without error", "events/backfill.failed.schema.json", d -> d.remove("error")),
                mistake("backfill failed without restoreJobId", "events/backfill.failed.schema.json",
                        d -> d.remove("restoreJobId")),
                mistake("cache flushed without mode", "events/cache.flushed.schema.json", d -> d.remove("mode")),
                mistake("cache flushed in an unknown mode", "events/cache.flushed.schema.json",
                        d -> d.put("mode", "everything")),
                mistake("cache flushed without keysRemoved", "events/cache.flushed.schema.json",
                        d -> d.remove("keysRemoved")),
                mistake("cache flushed with negative keysRemoved", "events/cache.flushed.schema.json",
                        d -> d.put("keysRemoved", -1)),
                mistake("cache flushed without restoreJobId", "events/cache.flushed.schema.json",
                        d -> d.remove("restoreJobId")),
                mistake("cache flush-failed without error", "events/cache.flush-failed.schema.json",
                        d -> d.remove("error")),
                mistake("cache flush-failed without restoreJobId", "events/cache.flush-failed.schema.json",
                        d -> d.remove("restoreJobId")),
                mistake("manifest without rlsTables", "manifest.schema.json", m -> m.remove("rlsTables")),
                mistake("manifest with a too short sha256", "manifest.schema.json", m -> m.put("sha256", "abc")),
                mistake("manifest with a negative size", "manifest.schema.json", m -> m.put("bytes", -1)),
                mistake("manifest with a date as completedAt", "manifest.schema.json",
                        m -> m.put("completedAt", "2026-11-28")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counterExamples")
    void aTypicalMistakeIsRejected(String mistake, String file, JsonNode document) {
        assertThat(schemas.validate(file, document)).as(mistake).isNotEmpty();
    }

    @Test
    void aRejectionMayLackCommandIdAndTargetButNoOtherEventMay() {
        // Given data with neither commandId nor target, as a rejection of an unreadable record has
        ObjectNode anonymous = JsonNodeFactory.instance.objectNode()
                .put("jobId", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d").put("seq", 1).put("attempt", 1);
        anonymous.putObject("error").put("code", "INVALID_JSON").put("message", "the record is not JSON")
                .put("retryable", false);
        anonymous.put("durationMs", 1);

        // Then it is a valid rejection, and not a valid failure
        assertThat(schemas.validate("events/backup.rejected.schema.json", anonymous)).isEmpty();
        assertThat(schemas.validate("events/backup.failed.schema.json", anonymous)).isNotEmpty();
        assertThat(schemas.validate("events/restore.rejected.schema.json", anonymous)).isEmpty();
        assertThat(schemas.validate("events/restore.failed.schema.json", anonymous)).isNotEmpty();
        assertThat(schemas.validate("events/backfill.failed.schema.json", anonymous)).isNotEmpty();
        assertThat(schemas.validate("events/cache.flush-failed.schema.json", anonymous)).isNotEmpty();
    }

    @Test
    void aReactionNeedsOnlyTheRestoreItFollowsBeyondTheCommonData() {
        // Given the data every reaction has: its own job, the restore's command and target, and the restore's job
        ObjectNode reaction = JsonNodeFactory.instance.objectNode()
                .put("jobId", "6f7e8d9c-0b1a-4c2d-9e3f-4a5b6c7d8e9f")
                .put("commandId", "8c1c3e7a-0a8b-4c55-b0c3-3f6f8e1f2b01").put("target", "shoehorn_staging")
                .put("seq", 1).put("attempt", 1).put("restoreJobId", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
        ObjectNode failure = reaction.deepCopy();
        failure.putObject("error").put("code", "BACKFILL_FAILED").put("message", "503").put("retryable", true);
        ObjectNode flushed = reaction.deepCopy().put("mode", "patterns").put("keysRemoved", 0);

        // Then backfill.requested and .completed need nothing more (startedAt, collections, durationMs are optional),
        // failures need an error, and cache.flushed how it flushed
        assertThat(schemas.validate("events/backfill.requested.schema.json", reaction)).isEmpty();
        assertThat(schemas.validate("events/backfill.completed.schema.json", reaction)).isEmpty();
        assertThat(schemas.validate("events/backfill.failed.schema.json", failure)).isEmpty();
        assertThat(schemas.validate("events/cache.flush-failed.schema.json", failure)).isEmpty();
        assertThat(schemas.validate("events/cache.flushed.schema.json", flushed)).isEmpty();
        assertThat(schemas.validate("events/cache.flushed.schema.json", reaction)).isNotEmpty();
        assertThat(schemas.validate("events/backfill.failed.schema.json", reaction)).isNotEmpty();
        assertThat(schemas.validate("events/cache.flush-failed.schema.json", reaction)).isNotEmpty();
    }

    @Test
    void aRestoreCommandNeedsOnlyItsIdentityTargetAndRequester() {
        // Given a restore command with neither sourceTarget, archive, confirm, reason nor postRestore
        ObjectNode command = JsonNodeFactory.instance.objectNode()
                .put("commandId", "3b9e2d41-7c6a-4f08-9e15-2a4c6d8f0b17").put("target", "shoehorn_demo_restore")
                .put("requestedBy", "ops-cli:bob");

        // Then it is valid (the latest archive of the target, the worker's default steps), and so are both archive forms
        assertThat(schemas.validate("restore-command.schema.json", command)).isEmpty();
        assertThat(schemas.validate("restore-command.schema.json", command.deepCopy().put("archive", "latest")))
                .isEmpty();
        assertThat(schemas.validate("restore-command.schema.json", command.deepCopy()
                .put("archive", "backups/shoehorn_demo_restore/shoehorn_demo_restore_20261128_020000.dump")))
                .isEmpty();
        assertThat(schemas.validate("restore-command.schema.json", command.deepCopy().put("archive", "newest")))
                .isNotEmpty();
    }

    @Test
    void unknownFieldsAreAllowedBecauseV1IsAdditive() {
        // Given examples with a field added by a later v1 release
        ObjectNode command = firstExample("backup-command.schema.json").put("priority", "high");
        ObjectNode event = firstExample("cloudevent.schema.json").put("partitionkey", "shoehorn");
        ((ObjectNode) event.get("data")).put("host", "db-7");

        // Then they still pass
        assertThat(schemas.validate("backup-command.schema.json", command)).isEmpty();
        assertThat(schemas.validateEvent(event.toString())).isEmpty();
    }

    @Test
    void anEventsTraceContextIsAW3cTraceparent() {
        // Given an event with the distributed-tracing extension, well formed or not
        ObjectNode traced = firstExample("cloudevent.schema.json")
                .put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").put("tracestate", "v=1");
        ObjectNode malformed = firstExample("cloudevent.schema.json").put("traceparent", "00-abc-def-01");

        // Then the first is valid and the second is not
        assertThat(schemas.validateEvent(traced.toString())).isEmpty();
        assertThat(schemas.validateEvent(malformed.toString())).isNotEmpty();
    }

    @Test
    void anEventIsCheckedAgainstTheDataSchemaOfItsType() {
        // Given a started event whose data lacks what started carries
        ObjectNode event = firstExample("cloudevent.schema.json");
        ((ObjectNode) event.get("data")).remove("bytesTotal");

        // Then the envelope alone passes, the event does not
        assertThat(schemas.validate(ContractSchemas.ENVELOPE, event)).isEmpty();
        assertThat(schemas.validateEvent(event.toString())).anyMatch(e -> e.contains("bytesTotal"));
    }

    @Test
    void anEventTypeWithoutADataSchemaIsReported(@org.junit.jupiter.api.io.TempDir java.nio.file.Path copy)
            throws java.io.IOException {
        // Given the schemas without the data schema of one type
        try (var files = java.nio.file.Files.walk(schemas.dir())) {
            for (java.nio.file.Path file : files.toList()) {
                java.nio.file.Path to = copy.resolve(schemas.dir().relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(to);
                } else if (!file.getFileName().toString().equals("drill.passed.schema.json")) {
                    java.nio.file.Files.copy(file, to);
                }
            }
        }
        ObjectNode event = firstExample("cloudevent.schema.json").put("type", "dev.shoehorn.drill.passed");

        // Then an event of that type is reported, not passed
        assertThat(ContractSchemas.at(copy).validateEvent(event.toString())).anyMatch(e -> e.contains("no data schema"));
    }

    private static Arguments mistake(String name, String file, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode document = firstExample(file);
        change.accept(document);
        return Arguments.of(name, file, document);
    }

    /** The example made a rollback: no archive, no source, the job whose swap it undoes. */
    private static ObjectNode rollback(ObjectNode example) {
        example.remove("archive");
        example.remove("sourceTarget");
        return example.put("rollbackOf", "0a1b2c3d");
    }

    private static ObjectNode firstExample(String file) {
        ArrayNode examples = (ArrayNode) ContractSchemas.load().document(file).path("examples");
        return (ObjectNode) examples.get(0).deepCopy();
    }
}
