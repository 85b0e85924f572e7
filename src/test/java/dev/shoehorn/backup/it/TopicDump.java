package dev.shoehorn.backup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Copies every record a test broker holds (keys, headers and values, as text) to
 * {@code target/it-topics/} before the broker goes, so that {@code SecretScanIT} can look for the
 * suite's secrets in every command, event and dead letter the tests made.
 */
public final class TopicDump {

    static final Path DIR = Path.of("target", "it-topics");

    private TopicDump() {
    }

    /** Best effort: a broker that cannot be read is named in the file, and the scan sees it. */
    public static void save(String bootstrapServers, String label) {
        Path file = DIR.resolve(label + "-" + System.nanoTime() + ".txt");
        try {
            Files.createDirectories(DIR);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                try {
                    copy(bootstrapServers, out);
                } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
                    out.write("UNREADABLE: " + e + (e.getCause() == null ? "" : " caused by " + e.getCause()) + "\n");
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the topics of " + label, e);
        }
    }

    private static void copy(String bootstrapServers, Writer out)
            throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        Set<String> topics;
        try (Admin admin = Admin.create(props)) {
            topics = admin.listTopics().names().get();
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = topics.stream().flatMap(topic -> consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    out.write("INCOMPLETE: not every record was read within 20 s\n");
                    return;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    out.write(record.topic() + " " + record.partition() + " " + record.offset() + " key="
                            + text(record.key()));
                    for (Header header : record.headers()) {
                        out.write(" " + header.key() + "=" + text(header.value()));
                    }
                    out.write(" value=" + text(record.value()) + "\n");
                }
            }
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
