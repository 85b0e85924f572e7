package dev.shoehorn.backup.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The demo: one backup of {@code shoehorn_demo} driven the way any service would drive it, by a
 * command on {@code backup.commands}, followed on {@code backup.progress}, and then checked from
 * the outside: the archive downloaded, its SHA-256 compared with the event's, its manifest found
 * and its table of contents read by {@code pg_restore --list}. Then {@link DemoRestore} restores
 * it and follows the rest of the runbook. It shows the whole path working and is what a newcomer
 * runs first.
 */
final class DemoRun {

    private static final String COMMANDS_TOPIC = "backup.commands";
    private static final String PROGRESS_TOPIC = "backup.progress";
    private static final String COMPLETED = "dev.shoehorn.backup.completed";
    /** Ends of a job that end the demo (backup or restore). */
    private static final Set<String> GAVE_UP = Set.of(".backup.failed", ".backup.rejected", ".backup.skipped",
            ".restore.failed", ".restore.rejected", ".restore.skipped");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(500);

    private final LocalSettings settings;
    private final String bootstrapServers;
    private final URI s3Endpoint;
    private final boolean cacheReachable;
    private final Signer signer;
    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();

    DemoRun(LocalSettings settings, String bootstrapServers, URI s3Endpoint, boolean cacheReachable, Signer signer,
            PrintStream out) {
        this.settings = settings;
        this.bootstrapServers = bootstrapServers;
        this.s3Endpoint = s3Endpoint;
        this.cacheReachable = cacheReachable;
        this.signer = signer;
        this.out = out;
    }

    /** Why the demo did not succeed, in words for the person watching. */
    static final class DemoFailure extends Exception {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }

    /** @return the process exit code: 0 when the backup completed and checked out, 1 otherwise */
    int run(WorkerProcess worker) throws InterruptedException {
        try {
            awaitReady(worker);
            String commandId = UUID.randomUUID().toString();
            JsonNode completed;
            Duration took;
            try (KafkaConsumer<String, String> events = followProgress()) {
                long startNanos = System.nanoTime();
                publish(SignedKind.BACKUP, COMMANDS_TOPIC, LocalSettings.DEMO_DATABASE, backupCommand(commandId));
                completed = follow(events, commandId, startNanos, worker, List.of(Set.of(COMPLETED)))
                        .get(COMPLETED);
                took = Duration.ofNanos(System.nanoTime() - startNanos);
            }
            String archiveKey = verify(completed.path("data"), took);
            new DemoRestore(this, settings, out, cacheReachable).run(archiveKey, worker);
            return 0;
        } catch (DemoFailure e) {
            out.println();
            out.println("demo failed: " + e.getMessage());
            return 1;
        }
    }

    private void awaitReady(WorkerProcess worker) throws DemoFailure, InterruptedException {
        URI ready = URI.create("http://127.0.0.1:" + settings.httpPort() + "/q/health/ready");
        out.println("waiting for the worker to be ready (" + ready + ") ...");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new DemoFailure("the worker exited with code " + worker.exitValue() + " before it was ready");
            }
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    out.println("worker ready");
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = "no answer";
            }
            Thread.sleep(500);
        }
        throw new DemoFailure("the worker was not ready after " + READY_TIMEOUT.toSeconds() + " s (" + last
                + " from " + ready + ")");
    }

    /**
     * Positions a group-less consumer at the current end of every progress partition, before the
     * command is published, so that no event of ours can be missed and none of earlier runs is read.
     */
    KafkaConsumer<String, String> followProgress() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "backup-worker-demo",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(PROGRESS_TOPIC).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the lazy seek now, not at the first poll
        return consumer;
    }

    private ObjectNode backupCommand(String commandId) {
        return json.createObjectNode()
                .put("commandId", commandId)
                .put("target", LocalSettings.DEMO_DATABASE)
                .put("requestedBy", "demo")
                .put("reason", "backup-worker demo");
    }

    /**
     * Publishes a command the way any service would: JSON, keyed by its target, signed as {@code kind}
     * over the exact bytes sent, with the signed time of asking in {@code requestedAt}.
     */
    void publish(SignedKind kind, String topic, String key, ObjectNode command) throws DemoFailure, InterruptedException {
        byte[] value = command.put("requestedAt", Instant.now().toString()).toString().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(SignatureHeader.NAME, signer.sign(kind, value).getBytes(StandardCharsets.US_ASCII));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "backup-worker-demo",
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new DemoFailure("could not publish the command to " + topic + ": " + e);
        }
        out.println("published " + command.path("commandId").asText() + " to " + topic + " (key " + key
                + ", signed by key id " + signer.keyId() + ")");
        out.println();
    }

    /**
     * Prints the command's events as they come (its job's and those of reactions to it), checks
     * that each job's {@code seq} runs 1, 2, 3 … without gaps, and returns once one type of each of
     * {@code awaited} has been seen, by type. A failed, rejected or skipped job ends the demo.
     */
    Map<String, JsonNode> follow(KafkaConsumer<String, String> events, String commandId, long startNanos,
            WorkerProcess worker, List<Set<String>> awaited) throws DemoFailure {
        ProgressBar bar = new ProgressBar(out, System.console() != null);
        long deadline = startNanos + BACKUP_TIMEOUT.toNanos();
        Map<String, Long> nextSeq = new java.util.HashMap<>();
        Map<String, JsonNode> seen = new java.util.HashMap<>();
        boolean progressShown = false;
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : events.poll(POLL)) {
                JsonNode event = parse(record.value());
                JsonNode data = event.path("data");
                if (!commandId.equals(data.path("commandId").asText())) {
                    continue;
                }
                String type = event.path("type").asText();
                long seq = data.path("seq").asLong(-1);
                long expected = nextSeq.getOrDefault(data.path("jobId").asText(), 1L);
                if (seq != expected) {
                    bar.finish();
                    throw new DemoFailure(type + " has seq=" + seq + " where seq=" + expected
                            + " was due: events were lost or repeated");
                }
                nextSeq.put(data.path("jobId").asText(), expected + 1);
                if (type.endsWith(".progress")) {
                    if (!progressShown) {
                        out.println(timeline(startNanos, type, seq, data));
                        progressShown = true;
                    }
                    bar.show(data.path("bytesDone").asLong(0), data.path("bytesTotal").asLong(-1),
                            data.path("percent").asDouble(-1));
                    continue;
                }
                bar.finish();
                out.println(timeline(startNanos, type, seq, data));
                if (GAVE_UP.stream().anyMatch(type::endsWith)) {
                    throw new DemoFailure("the worker reported " + type + describeError(data));
                }
                seen.put(type, event);
                if (awaited.stream().allMatch(any -> any.stream().anyMatch(seen::containsKey))) {
                    return seen;
                }
            }
            if (!worker.isAlive()) {
                bar.finish();
                throw new DemoFailure("the worker exited with code " + worker.exitValue() + " during the demo");
            }
        }
        bar.finish();
        throw new DemoFailure("the awaited events did not all come within " + BACKUP_TIMEOUT.toMinutes()
                + " minutes: " + awaited);
    }

    private JsonNode parse(String value) {
        try {
            return value == null ? json.missingNode() : json.readTree(value);
        } catch (JsonProcessingException e) {
            return json.missingNode(); // not a CloudEvent, so not one of ours
        }
    }

    static String timeline(long startNanos, String type, long seq, JsonNode data) {
        String at = String.format(Locale.ROOT, "+%.1fs", (System.nanoTime() - startNanos) / 1e9);
        String line = String.format(Locale.ROOT, "%7s  %-34s  seq=%d", at, type, seq);
        JsonNode error = data.path("error");
        if (data.has("keysRemoved")) {
            line += "  mode=" + data.path("mode").asText() + " keysRemoved=" + data.path("keysRemoved").asLong();
        }
        if (data.has("collections")) {
            line += "  collections=" + data.path("collections");
        }
        return error.isObject() ? line + "  error=" + error.path("code").asText("?") : line;
    }

    private static String describeError(JsonNode data) {
        JsonNode error = data.path("error");
        if (!error.isObject()) {
            return "";
        }
        return ": " + error.path("code").asText("?") + " " + error.path("message").asText("");
    }

    /** Downloads the archive the completed event names, checks it from the outside, and returns its key. */
    private String verify(JsonNode data, Duration took) throws DemoFailure, InterruptedException {
        JsonNode archive = data.path("archive");
        String key = archive.path("key").asText(null);
        long bytes = archive.path("bytes").asLong(-1);
        String sha256 = archive.path("sha256").asText(null);
        if (key == null || bytes < 0 || sha256 == null) {
            throw new DemoFailure("the completed event lacks archive key, bytes or sha256: " + archive);
        }
        out.println();
        out.println("checking s3://" + settings.bucket() + "/" + key + " ...");
        Path download = null;
        try (S3Client s3 = s3Client()) {
            download = Files.createTempFile("backup-worker-demo-", ".dump");
            String actualSha256;
            long actualBytes;
            try (ResponseInputStream<GetObjectResponse> object = s3.getObject(b -> b.bucket(settings.bucket()).key(key));
                    DigestInputStream digesting = new DigestInputStream(object, MessageDigest.getInstance("SHA-256"));
                    OutputStream file = Files.newOutputStream(download)) {
                actualBytes = digesting.transferTo(file);
                actualSha256 = HexFormat.of().formatHex(digesting.getMessageDigest().digest());
            }
            if (actualBytes != bytes) {
                throw new DemoFailure("downloaded " + actualBytes + " bytes, the event says " + bytes);
            }
            if (!actualSha256.equalsIgnoreCase(sha256)) {
                throw new DemoFailure("downloaded sha256 " + actualSha256 + ", the event says " + sha256);
            }
            String manifest = key + ".manifest.json";
            requireObject(s3, manifest);
            int tocEntries = countTocEntries(pgDumpBytes(key, download));
            printSummary(key, manifest, bytes, sha256, took, data.path("durationMs").asLong(-1), tocEntries);
            return key;
        } catch (IOException | SdkException e) {
            throw new DemoFailure("could not check the archive: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        } finally {
            deleteQuietly(download);
        }
    }

    private S3Client s3Client() {
        return S3Client.builder()
                .endpointOverride(s3Endpoint)
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    private void requireObject(S3Client s3, String key) throws DemoFailure {
        try {
            s3.headObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new DemoFailure("the manifest " + key + " is missing: the archive is not committed");
            }
            throw e;
        }
    }

    /**
     * pg_dump's own archive from the stored one: the worker compresses with zstd by default
     * ({@code .dump.zst}); the demo's worker has no keyset, so nothing it stores is encrypted.
     */
    static Path pgDumpBytes(String key, Path stored) throws DemoFailure, IOException {
        if (key.endsWith(".dump")) {
            return stored;
        }
        if (!key.endsWith(".dump.zst")) {
            throw new DemoFailure(key + " is not an archive the demo can read back (expected .dump or .dump.zst)");
        }
        Path plain = Files.createTempFile(stored.getParent(), "backup-worker-demo-", ".dump");
        try (InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(stored));
                OutputStream outFile = Files.newOutputStream(plain)) {
            in.transferTo(outFile);
        }
        Files.move(plain, stored, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return stored;
    }

    /** Entries of the archive's table of contents, as {@code pg_restore --list} prints them. */
    static int countTocEntries(Path archive) throws DemoFailure, IOException, InterruptedException {
        Process pgRestore;
        try {
            pgRestore = new ProcessBuilder("pg_restore", "--list", archive.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new DemoFailure("pg_restore is not on PATH (Debian: apt-get install postgresql-client-15)");
        }
        int entries = 0;
        try (InputStream stdout = pgRestore.getInputStream();
                BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith(";")) {
                    entries++;
                }
            }
        }
        int exit = pgRestore.waitFor();
        if (exit != 0) {
            throw new DemoFailure("pg_restore --list exited with code " + exit + ": the archive is not readable");
        }
        return entries;
    }

    private void printSummary(String key, String manifest, long bytes, String sha256, Duration took,
            long workerMillis, int tocEntries) {
        out.println();
        out.println("backup completed and verified");
        out.println("  archive    s3://" + settings.bucket() + "/" + key);
        out.println("  manifest   s3://" + settings.bucket() + "/" + manifest);
        out.println("  bytes      " + bytes + " (" + ProgressBar.bytes(bytes) + ")");
        out.println("  sha256     " + sha256 + " (matches the download)");
        out.println("  duration   " + String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0)
                + (workerMillis >= 0 ? String.format(Locale.ROOT, " (worker: %.1f s)", workerMillis / 1000.0) : ""));
        out.println("  contents   " + tocEntries + " table-of-contents entries (pg_restore --list)");
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println("could not delete the temporary download " + file + ": " + e.getMessage());
        }
    }
}
