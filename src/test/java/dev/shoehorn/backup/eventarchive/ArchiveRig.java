package dev.shoehorn.backup.eventarchive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.it.SuiteSecrets;
import dev.shoehorn.backup.it.TopicDump;
import dev.shoehorn.backup.journal.EventSegments;
import dev.shoehorn.backup.journal.SegmentLine;
import dev.shoehorn.backup.local.LocalKafka;
import dev.shoehorn.backup.local.LocalS3;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.TestStorageConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A broker and an S3 server in this JVM with a progress topic and a bucket, and event archivers
 * (replicas) to run against them; for tests of the event archive and of what reads it. Everything it
 * makes goes in {@link #close()}.
 */
public final class ArchiveRig implements AutoCloseable {

    public static final String TOPIC = "backup.progress";
    public static final String PREFIX = "backups";
    private static final String KEY = "rig";
    private static final String SECRET = SuiteSecrets.secret("rig-secret-" + UUID.randomUUID());

    private final LocalKafka kafka;
    private final LocalS3 s3Server;
    private final S3Client s3;
    private final String bucket = "bw-events-" + UUID.randomUUID().toString().substring(0, 8);
    private final ArchiveStore store;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Running> archivers = new ArrayList<>();
    private final int partitions;

    /** An archiver on its thread. */
    public record Running(EventArchiver archiver, Thread thread) {
        public void stop() throws InterruptedException {
            archiver.stop();
            thread.join(15_000);
        }
    }

    public ArchiveRig(int partitions) {
        this.partitions = partitions;
        kafka = LocalKafka.start(0);
        kafka.createTopics(Map.of(TOPIC, partitions));
        s3Server = LocalS3.start(0, null, KEY, SECRET, UnaryOperator.identity());
        s3Server.createBucket(bucket);
        s3 = S3Client.builder().endpointOverride(s3Server.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .build();
        store = new ArchiveStore(s3, TestStorageConfig.of(Map.of("backup.storage.bucket", bucket,
                "backup.storage.prefix", PREFIX)), json);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String bucket() {
        return bucket;
    }

    public java.net.URI s3Endpoint() {
        return s3Server.endpoint();
    }

    public String accessKey() {
        return KEY;
    }

    public String secretKey() {
        return SECRET;
    }

    /** Starts a replica: an archiver in the shared group, closing segments after {@code maxAge} or {@code maxRecords}. */
    public Running startArchiver(Duration maxAge, int maxRecords) {
        return startArchiver(maxAge, maxRecords, "backup-worker-event-archive");
    }

    /** As {@link #startArchiver(Duration, int)}, in consumer group {@code group}. */
    public Running startArchiver(Duration maxAge, int maxRecords, String group) {
        EventArchiver archiver = new EventArchiver(store, PREFIX, TOPIC,
                Map.of("bootstrap.servers", kafka.bootstrapServers()), config(maxAge, maxRecords, group), json,
                Clock.systemUTC(), new EventArchiveMetrics(new SimpleMeterRegistry()));
        Thread thread = new Thread(archiver, "test-event-archiver-" + archivers.size());
        thread.start();
        Running running = new Running(archiver, thread);
        archivers.add(running);
        return running;
    }

    private static EventArchiveConfig config(Duration maxAge, int maxRecords, String group) {
        return new EventArchiveConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String groupId() {
                return group;
            }

            @Override
            public int maxSegmentRecords() {
                return maxRecords;
            }

            @Override
            public Duration maxSegmentAge() {
                return maxAge;
            }

            @Override
            public Duration retryInitial() {
                return Duration.ofMillis(200);
            }

            @Override
            public Duration retryMax() {
                return Duration.ofSeconds(1);
            }
        };
    }

    /** Every segment's key, by partition, in offset order. */
    public Map<Integer, List<String>> segments() {
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (String key : store.keysUnder(EventSegments.root(PREFIX) + TOPIC + "/")) {
            if (EventSegments.firstOffset(key).isEmpty()) {
                continue; // the store's own object of a write under way (S3Proxy's conditional PUT)
            }
            int partition = Integer.parseInt(key.split("/")[3]);
            byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(key);
        }
        return byPartition;
    }

    /** The lines of one segment. */
    public List<SegmentLine> lines(String key) {
        List<SegmentLine> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(store.open(key)),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(SegmentLine.parse(json, line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    public Map<String, String> metadata(String key) {
        return store.metadata(key);
    }

    /** The end offset of each partition that holds records. */
    public Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(TOPIC, p));
            }
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(all));
            ends.values().removeIf(end -> end == 0);
            return ends;
        }
    }

    /** Per partition with a segment: the offset after its last archived record. */
    public Map<TopicPartition, Long> archivedUpTo() {
        Map<TopicPartition, Long> upTo = new HashMap<>();
        segments().forEach((partition, keys) -> upTo.put(new TopicPartition(TOPIC, partition),
                Long.parseLong(metadata(keys.get(keys.size() - 1)).get(EventSegments.LAST_OFFSET)) + 1));
        return upTo;
    }

    @Override
    public void close() throws InterruptedException {
        for (Running running : archivers) {
            running.stop();
        }
        s3.close();
        s3Server.deleteBucket(bucket);
        s3Server.close();
        TopicDump.save(kafka.bootstrapServers(), "archive-rig");
        kafka.close();
    }
}
