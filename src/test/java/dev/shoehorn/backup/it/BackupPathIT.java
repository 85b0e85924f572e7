package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.contract.ContractSchemas;
import dev.shoehorn.backup.storage.ArchiveKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The backup path end to end: command topic → pg_dump → S3 → progress events, on real parts. */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupPathIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Events events;
    private static TopicTail deadLetters;
    private static Commands commands;
    private static S3Client s3;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        deadLetters = new TopicTail(WorkerStack.bootstrapServers(), "backup.commands.dlq");
        commands = new Commands(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        deadLetters.close();
        commands.close();
        s3.close();
    }

    @Test
    @Order(1)
    void backupProducesAVerifiedArchiveWithGapFreeEvents() throws Exception {
        // Given a configured target holding tenant tables under row-level security
        String commandId = Commands.newCommandId();

        // When a backup command is published
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));

        // Then the job runs through every stage, numbered without gaps
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).first().isEqualTo("dev.shoehorn.backup.accepted");
        assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.backup.accepted",
                "dev.shoehorn.backup.started", "dev.shoehorn.backup.uploaded", "dev.shoehorn.backup.completed");
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");
        assertThat(job).extracting(e -> e.path("data").path("seq").asLong())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, job.size()).boxed().toList());
        assertThat(job).allSatisfy(e -> {
            assertThat(e.path("specversion").asText()).isEqualTo("1.0");
            assertThat(e.path("subject").asText()).isEqualTo(WorkerStack.SOURCE);
            assertThat(e.path("data").path("attempt").asInt()).isEqualTo(1);
        });
        JsonNode started = job.stream().filter(e -> e.path("type").asText().endsWith(".started")).findFirst().orElseThrow();
        assertThat(started.path("data").path("bytesTotal").asLong()).isPositive();

        // And the archive is where the contract says, matches its manifest and is readable by pg_restore
        JsonNode archive = job.get(job.size() - 1).path("data").path("archive");
        String key = archive.path("key").asText();
        assertThat(key).matches(WorkerStack.PREFIX + "/" + WorkerStack.SOURCE + "/" + WorkerStack.SOURCE
                + "_\\d{8}_\\d{6}\\.dump\\.zst");
        byte[] dump = s3.getObjectAsBytes(b -> b.bucket(WorkerStack.BUCKET).key(key)).asByteArray();
        JsonNode manifest = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(WorkerStack.BUCKET)
                .key(key + ".manifest.json")).asByteArray());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dump));
        assertThat(manifest.path("sha256").asText()).isEqualTo(sha256).isEqualTo(archive.path("sha256").asText());
        assertThat(manifest.path("bytes").asLong()).isEqualTo(dump.length);
        assertThat(manifest.path("commandId").asText()).isEqualTo(commandId);
        assertThat(manifest.path("format").asText()).isEqualTo("custom");
        // compressed by the worker, not by pg_dump, and not encrypted (the target says so)
        assertThat(manifest.path("compression").path("algorithm").asText()).isEqualTo("zstd");
        assertThat(manifest.path("compression").path("inWorker").asBoolean()).isTrue();
        assertThat(manifest.path("encryption").isNull() || manifest.path("encryption").isMissingNode()).isTrue();
        assertThat(manifest.path("rlsTables")).extracting(JsonNode::asText)
                .contains("public.projects", "public.documents");
        assertThat(manifest.path("serverVersion").asText()).isNotBlank();
        assertThat(manifest.path("pgDumpVersion").asText()).isNotBlank();
        assertThat(pgRestoreList(dump)).contains("TABLE DATA public documents", "POLICY public projects");
    }

    @Test
    @Order(2)
    void aDuplicateCommandIsSkippedAndMakesNoSecondArchive() {
        // Given a command that completed
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
        List<JsonNode> first = events.awaitJobEnd(commandId);
        assertThat(Events.types(first)).last().isEqualTo("dev.shoehorn.backup.completed");
        long archivesBefore = archives().size();

        // When the same command is delivered again
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));

        // Then it is skipped (at once, or under the target's lock if it came before the first job
        // had finished its record), naming the first job, and no archive is added
        List<JsonNode> second = events.awaitJobEnd(commandId, 1);
        assertThat(Events.types(second)).last().isEqualTo("dev.shoehorn.backup.skipped");
        assertThat(Events.types(second)).doesNotContain("dev.shoehorn.backup.started");
        assertThat(second.get(second.size() - 1).path("data").path("originalJobId").asText())
                .isEqualTo(first.get(0).path("data").path("jobId").asText());
        assertThat(archives()).hasSize((int) archivesBefore);
    }

    @ParameterizedTest(name = "{0}")
    @Order(3)
    @CsvSource(delimiter = '|', value = {
            "not JSON | INVALID_JSON | this is not json",
            "JSON but not an object | INVALID_JSON | [1,2,3]",
            "missing commandId | MISSING_FIELD | {\"target\":\"it_source\",\"requestedBy\":\"it\"}",
            "missing target | MISSING_FIELD | {\"commandId\":\"9b2f0c1e-0000-4000-8000-000000000001\",\"requestedBy\":\"it\"}",
            "missing requestedBy | MISSING_FIELD | {\"commandId\":\"9b2f0c1e-0000-4000-8000-000000000002\",\"target\":\"it_source\"}",
            "commandId not a UUID | INVALID_FIELD | {\"commandId\":\"abc\",\"target\":\"it_source\",\"requestedBy\":\"it\"}",
            "target of the wrong type | INVALID_FIELD | {\"commandId\":\"9b2f0c1e-0000-4000-8000-000000000003\",\"target\":42,\"requestedBy\":\"it\"}",
            "target not a plain name | INVALID_FIELD | {\"commandId\":\"9b2f0c1e-0000-4000-8000-000000000004\",\"target\":\"../etc/passwd\",\"requestedBy\":\"it\"}",
            "unsupported option | INVALID_FIELD | {\"commandId\":\"9b2f0c1e-0000-4000-8000-000000000005\",\"target\":\"it_source\",\"requestedBy\":\"it\",\"options\":{\"jobs\":4}}",
            "unknown target | UNKNOWN_TARGET | {\"commandId\":\"9b2f0c1e-0000-4000-8000-000000000006\",\"target\":\"nope\",\"requestedBy\":\"it\"}",
    })
    void badInputIsRejectedDeadLetteredAndDoesNotBlockThePartition(String scenario, String code, String record) {
        rejectsWithCode(record.getBytes(StandardCharsets.UTF_8), code);
    }

    @Test
    @Order(4)
    void anOversizedRecordIsRejected() {
        byte[] huge = ("{\"commandId\":\"" + Commands.newCommandId() + "\",\"target\":\"it_source\",\"requestedBy\":\"it\",\"reason\":\""
                + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        rejectsWithCode(huge, "RECORD_TOO_LARGE");
    }

    private void rejectsWithCode(byte[] record, String code) {
        // Given a bad record followed by a good command on the same partition (the topic has one),
        // the bad one keyed by the target it names, if any, so that it is refused for its own fault
        String good = Commands.newCommandId();
        String key = targetOf(record);

        // When both are published
        commands.send("backup.commands", key, record);
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(good, WorkerStack.SOURCE));

        // Then the bad one is rejected with its code and copied byte for byte to the DLQ with error headers
        List<JsonNode> goodJob = events.awaitJobEnd(good);
        assertThat(Events.types(goodJob)).last().isEqualTo("dev.shoehorn.backup.completed");
        ConsumerRecord<String, byte[]> dead = org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> deadLetters.matching(r -> java.util.Arrays.equals(record, r.value())),
                        l -> !l.isEmpty())
                .get(0);
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(record);
        assertThat(header(dead, "error.code")).isEqualTo(code);
        assertThat(header(dead, "original.topic")).isEqualTo("backup.commands");
        String jobId = header(dead, "job.id");
        JsonNode rejected = events.all().stream()
                .filter(e -> jobId.equals(e.path("data").path("jobId").asText())).findFirst().orElseThrow();
        assertThat(rejected.path("type").asText()).isEqualTo("dev.shoehorn.backup.rejected");
        assertThat(rejected.path("data").path("error").path("code").asText()).isEqualTo(code);
        assertThat(rejected.path("data").path("error").path("retryable").asBoolean()).isFalse();
        assertThat(rejected.path("data").path("seq").asInt()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void aFailingPgDumpFailsTheJobAndLeavesNoArchive() {
        // Given a target whose role may not read the tables
        String commandId = Commands.newCommandId();
        int archivesBefore = archives().size();

        // When it is backed up
        commands.send("backup.commands", WorkerStack.DENIED, Commands.backup(commandId, WorkerStack.DENIED));

        // Then the job fails permanently with pg_dump's reason, and nothing is left in storage
        List<JsonNode> job = events.awaitJobEnd(commandId);
        JsonNode failed = job.get(job.size() - 1);
        assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.backup.failed");
        assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo("PG_DUMP_FAILED");
        assertThat(failed.path("data").path("error").path("retryable").asBoolean()).isFalse();
        assertThat(failed.path("data").path("error").path("message").asText()).contains("permission denied");
        assertThat(archives()).hasSize(archivesBefore);
        assertThat(WorkerStack.s3().blobStore().listMultipartUploads(WorkerStack.BUCKET)).isEmpty();
    }

    @Test
    @Order(6)
    void anS3OutageMidUploadAbortsTheUploadAndWritesNoManifest() {
        // Given object storage that refuses part uploads
        String commandId = Commands.newCommandId();
        int archivesBefore = archives().size();
        StorageFaults.failPartUploads(true);
        try {
            // When a backup runs
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));

            // Then it is retried as attempts of one job for the retry window (3 s in tests), then fails
            // as retryable, leaving nothing behind
            List<JsonNode> job = events.awaitJobEnd(commandId);
            JsonNode failed = job.get(job.size() - 1);
            assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.backup.failed");
            assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo("STORAGE_ERROR");
            assertThat(failed.path("data").path("error").path("retryable").asBoolean()).isTrue();
            int attempts = failed.path("data").path("attempt").asInt();
            assertThat(attempts).isGreaterThanOrEqualTo(2);
            assertThat(job.stream().filter(e -> e.path("type").asText().endsWith(".started")).count())
                    .isEqualTo(attempts);
            assertThat(StorageFaults.failedParts()).isPositive();
        } finally {
            StorageFaults.failPartUploads(false);
        }
        assertThat(archives()).hasSize(archivesBefore);
        assertThat(objects()).noneMatch(k -> ArchiveKeys.isArchiveName(k) && !objects().contains(k + ".manifest.json"));
        assertThat(WorkerStack.s3().blobStore().listMultipartUploads(WorkerStack.BUCKET)).isEmpty();
    }

    @Test
    @Order(7)
    void readinessReportsEachDependencyAndMetricsCountJobs() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(readiness.toURI()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("object-storage", "target-databases", WorkerStack.SOURCE);
        String scrape = http.send(HttpRequest.newBuilder(metrics.toURI()).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(scrape).contains("backup_jobs_total{", "outcome=\"completed\"", "backup_jobs_in_flight",
                "backup_last_success_timestamp_seconds{", "backup_job_duration_seconds_bucket");
    }

    @Test
    @Order(99)
    void everyEmittedEventMatchesTheContractSchemas() throws Exception {
        // Given the events of a backup that completes, its duplicate, a refused and a failed command
        List<JsonNode> all = everyOutcome();
        ContractSchemas schemas = ContractSchemas.load();

        // When each is checked: its envelope, then its data against the schema of its type
        List<String> errors = all.stream().flatMap(e -> schemas.validateEvent(e.toString()).stream()).toList();

        // Then none breaks the contract, and every outcome of a backup command was among them
        assertThat(errors).isEmpty();
        assertThat(Events.types(all)).contains("dev.shoehorn.backup.accepted", "dev.shoehorn.backup.started",
                "dev.shoehorn.backup.uploaded", "dev.shoehorn.backup.completed", "dev.shoehorn.backup.rejected",
                "dev.shoehorn.backup.skipped", "dev.shoehorn.backup.failed");

        // And every record is keyed by its subject and labelled as a structured CloudEvent
        assertThat(events.tail().records()).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(JSON.readTree(r.value()).path("subject").asText(null));
            assertThat(header(r, "content-type")).isEqualTo("application/cloudevents+json");
        });

        // And the manifest beside each completed archive matches its schema
        List<String> manifestErrors = new java.util.ArrayList<>();
        for (JsonNode completed : all.stream()
                .filter(e -> e.path("type").asText().equals("dev.shoehorn.backup.completed")).toList()) {
            String key = completed.path("data").path("archive").path("key").asText() + ".manifest.json";
            String manifest = s3.getObjectAsBytes(b -> b.bucket(WorkerStack.BUCKET).key(key)).asUtf8String();
            manifestErrors.addAll(schemas.validate("manifest.schema.json", manifest));
        }
        assertThat(manifestErrors).isEmpty();
    }

    @Test
    @Order(100)
    void noSecretOrConnectionStringInAnyEventOrLogLine() throws IOException {
        // Given every event and log line written so far, every outcome among them
        everyOutcome();
        List<String> texts = new java.util.ArrayList<>();
        events.tail().records().forEach(r -> texts.add(new String(r.value(), StandardCharsets.UTF_8)));
        deadLetters.records().forEach(r -> r.headers().forEach(h -> texts.add(new String(h.value(), StandardCharsets.UTF_8))));
        Path log = Path.of("target/it-worker.log");
        assertThat(log).exists();
        texts.addAll(Files.readAllLines(log));
        assertThat(texts).hasSizeGreaterThan(20);

        // Then none carries a password, an S3 secret or a connection string
        assertThat(texts).noneMatch(t -> t.contains(WorkerStack.PG_PASSWORD))
                .noneMatch(t -> t.contains(WorkerStack.S3_SECRET))
                .noneMatch(t -> t.contains("postgresql://"))
                .noneMatch(t -> t.toLowerCase().contains("password="));
    }

    /**
     * Runs one command of each outcome (completed, skipped, rejected, failed) and returns their
     * events, so that a check over all kinds of events needs no other test to have run first.
     */
    private static List<JsonNode> everyOutcome() {
        String completed = Commands.newCommandId();
        String refused = Commands.newCommandId();
        String failed = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(completed, WorkerStack.SOURCE));
        events.awaitJobEnd(completed);
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(completed, WorkerStack.SOURCE));
        commands.send("backup.commands", "nowhere", Commands.backup(refused, "nowhere"));
        commands.send("backup.commands", WorkerStack.DENIED, Commands.backup(failed, WorkerStack.DENIED));
        events.awaitJobEnd(completed, 1);
        events.awaitJobEnd(refused);
        events.awaitJobEnd(failed);
        return java.util.stream.Stream.of(completed, refused, failed).flatMap(id -> events.ofCommand(id).stream())
                .toList();
    }

    /** The record's target when it names one as text, else the source target. */
    private static String targetOf(byte[] record) {
        try {
            JsonNode target = JSON.readTree(record).path("target");
            return target.isTextual() ? target.asText() : WorkerStack.SOURCE;
        } catch (IOException e) {
            return WorkerStack.SOURCE;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static List<String> objects() {
        return s3.listObjectsV2Paginator(b -> b.bucket(WorkerStack.BUCKET).prefix(WorkerStack.PREFIX + "/"))
                .contents().stream().map(S3Object::key).toList();
    }

    private static List<String> archives() {
        return objects().stream().filter(ArchiveKeys::isArchiveName).toList();
    }

    /** The archive's contents as docs/restore.md's by-hand restore reads them: {@code zstd -dc x.dump.zst | pg_restore}. */
    private static String pgRestoreList(byte[] dump) throws IOException, InterruptedException {
        Path file = Files.createTempFile("it-archive", ".dump.zst");
        try {
            Files.write(file, dump);
            Process p = new ProcessBuilder("sh", "-c", "zstd -dc \"$0\" | pg_restore --list",
                    file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            return out;
        } finally {
            Files.delete(file);
        }
    }
}
