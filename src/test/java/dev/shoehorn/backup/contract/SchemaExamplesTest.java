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
                "events/backup.accepted.schema.json", "events/backup.completed.schema.json");
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
                mistake("backup command with parallel jobs", "backup-command.schema.json",
                        c -> ((ObjectNode) c.get("options")).put("jobs", 4)),
                mistake("backup command with another format", "backup-command.schema.json",
                        c -> ((ObjectNode) c.get("options")).put("format", "plain")),
                mistake("restore command without requestedBy", "restore-command.schema.json",
                        c -> c.remove("requestedBy")),
                mistake("restore command with an archive that is no key", "restore-command.schema.json",
                        c -> c.put("archive", "../../etc/passwd")),
                mistake("restore command with a non-boolean post-restore step", "restore-command.schema.json",
                        c -> ((ObjectNode) c.get("postRestore")).put("migrate", "yes")),
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
    }

    @Test
    void unknownFieldsAreAllowedBecauseV1IsAdditive() {
        // Given examples with a field added by a later v1 release
        ObjectNode command = firstExample("backup-command.schema.json").put("priority", "high");
        ObjectNode event = firstExample("cloudevent.schema.json").put("traceparent", "00-abc-def-01");
        ((ObjectNode) event.get("data")).put("host", "db-7");

        // Then they still pass
        assertThat(schemas.validate("backup-command.schema.json", command)).isEmpty();
        assertThat(schemas.validateEvent(event.toString())).isEmpty();
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
    void anEventTypeWithoutADataSchemaIsReported() {
        ObjectNode event = firstExample("cloudevent.schema.json").put("type", "dev.shoehorn.drill.passed");
        assertThat(schemas.validateEvent(event.toString())).anyMatch(e -> e.contains("no data schema"));
    }

    private static Arguments mistake(String name, String file, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode document = firstExample(file);
        change.accept(document);
        return Arguments.of(name, file, document);
    }

    private static ObjectNode firstExample(String file) {
        ArrayNode examples = (ArrayNode) ContractSchemas.load().document(file).path("examples");
        return (ObjectNode) examples.get(0).deepCopy();
    }
}
