package dev.shoehorn.backup.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Settings of a consumer that reads a topic without a consumer group (partitions assigned by hand,
 * nothing committed): it can never take a partition from a worker nor move a group's offsets. The
 * worker's readers of the progress topic and the CLI's (which compiles this file) use it alike.
 */
public final class GrouplessReaders {

    private GrouplessReaders() {
    }

    /**
     * Assigns {@code partitions} to the consumer, each positioned at its first record at or after
     * {@code since} ({@code offsetsForTimes}), or at its end where there is none or {@code since} is
     * null; returns the partitions' current ends.
     */
    public static Map<TopicPartition, Long> assignFrom(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            Instant since, Duration timeout) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, OffsetAndTimestamp> starts = new HashMap<>();
        if (since != null) {
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since.toEpochMilli()));
            starts.putAll(consumer.offsetsForTimes(times, timeout));
        }
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp start = starts.get(p);
            consumer.seek(p, start == null ? ends.get(p) : start.offset());
        }
        return ends;
    }

    /** The worker's Kafka settings, made group-less, with a client id of {@code backup-worker-<purpose>-<uuid>}. */
    public static Map<String, Object> settings(Map<String, Object> kafka, String purpose) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "backup-worker-" + purpose + "-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }
}
