package dev.shoehorn.backup.progress;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Identifier;

/**
 * Reads what a job reported, from the progress topic itself: whether an earlier job of a command
 * that died between its last steps got its terminal event out. Only the recovery of such a job
 * asks, so the topic is read without a consumer group, from a little before the job's claim to
 * the current end, one record at a time.
 */
@ApplicationScoped
public class JobHistory {

    /** How a job ended, as its terminal event said. */
    public enum Ending {
        COMPLETED,
        FAILED
    }

    private static final Logger LOG = Logger.getLogger(JobHistory.class);
    /** Clocks of workers and brokers differ: start reading a little before the claim. */
    private static final Duration MARGIN = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration READ_LIMIT = Duration.ofMinutes(2);

    private final Map<String, Object> kafka;
    private final String topic;
    private final ObjectMapper json;

    public JobHistory(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "backup.topics.progress", defaultValue = "backup.progress") String topic,
            ObjectMapper json) {
        this.kafka = kafka;
        this.topic = topic;
        this.json = json;
    }

    /**
     * The terminal event ({@code .completed}, or {@code .failed} other than WORKER_STOPPED, which
     * leaves the command to be redelivered) of job {@code jobId}, looked for since {@code since}.
     */
    public Optional<Ending> ending(String jobId, Instant since) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_LIMIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = GrouplessReaders.assignFrom(consumer, partitions, since.minus(MARGIN),
                    READ_LIMIT);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            Optional<Ending> ending = Optional.empty();
            while (!reachedEnd(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    Optional<Ending> found = endingOf(record.value(), jobId);
                    if (found.isPresent()) {
                        ending = found;
                    }
                }
            }
            LOG.infof("job=%s stage=history-read since=%s ending=%s", jobId, since, ending.map(Enum::name)
                    .orElse("none"));
            return ending;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private Optional<Ending> endingOf(byte[] value, String jobId) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            JsonNode event = json.readTree(new String(value, StandardCharsets.UTF_8));
            JsonNode data = event.path("data");
            if (!jobId.equals(data.path("jobId").asText(null))) {
                return Optional.empty();
            }
            String type = event.path("type").asText("");
            if (type.endsWith(".completed")) {
                return Optional.of(Ending.COMPLETED);
            }
            if (type.endsWith(".failed") && !"WORKER_STOPPED".equals(data.path("error").path("code").asText())) {
                return Optional.of(Ending.FAILED);
            }
        } catch (java.io.IOException e) {
            // not an event of ours
        }
        return Optional.empty();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(GrouplessReaders.settings(kafka, "history"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }
}
