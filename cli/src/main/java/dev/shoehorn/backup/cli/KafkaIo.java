package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.shoehorn.backup.progress.GrouplessReaders;

/**
 * The CLI's Kafka clients. Readers never join a consumer group (no {@code group.id}, partitions
 * assigned by hand, nothing committed), so that no command of the CLI can take a partition from a
 * worker or move a group's offsets.
 */
final class KafkaIo {

    private KafkaIo() {
    }

    static KafkaConsumer<byte[], byte[]> reader(CliSettings settings, String purpose) {
        return reader(settings, purpose, Map.of());
    }

    /** As {@link #reader(CliSettings, String)}, with {@code extra} consumer settings. */
    static KafkaConsumer<byte[], byte[]> reader(CliSettings settings, String purpose, Map<String, Object> extra) {
        Map<String, Object> config = GrouplessReaders.settings(settings.kafka(), "cli-" + purpose);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.answerTimeout().toMillis());
        config.putAll(extra);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static KafkaProducer<String, byte[]> writer(CliSettings settings) {
        Map<String, Object> config = new HashMap<>(settings.kafka());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "backup-worker-cli");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int timeout = (int) settings.answerTimeout().toMillis();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout * 2);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Every partition of {@code topic}; unreachable when the broker does not answer. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, timeout);
        } catch (KafkaException e) {
            throw CliException.unreachable("Kafka", e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new CliException(ExitCode.UNREACHABLE, "topic " + topic + " not found: is this the right cluster?");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).sorted(
                java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
