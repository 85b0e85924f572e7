package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.journal.JournalEvent;
import dev.shoehorn.backup.progress.GrouplessReaders;

/**
 * The live progress topic, read without a consumer group: every partition, from its end (to follow
 * what happens next) or from a point in time ({@code offsetsForTimes}). Records that are not events of
 * this project are skipped.
 */
final class JournalTail implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final ObjectMapper json;
    private final Duration timeout;

    private JournalTail(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, ObjectMapper json,
            Duration timeout) {
        this.consumer = consumer;
        this.partitions = partitions;
        this.json = json;
        this.timeout = timeout;
    }

    /** Positioned at the current end of every partition: only what is sent from now on is read. */
    static JournalTail atEnd(CliSettings settings, ObjectMapper json, String purpose) {
        return from(settings, json, purpose, null);
    }

    /** Positioned at the first record at or after {@code since} (the end, where there is none). */
    static JournalTail since(CliSettings settings, ObjectMapper json, String purpose, Instant since) {
        return from(settings, json, purpose, since);
    }

    private static JournalTail from(CliSettings settings, ObjectMapper json, String purpose, Instant since) {
        KafkaConsumer<byte[], byte[]> consumer = KafkaIo.reader(settings, purpose);
        try {
            Duration timeout = settings.answerTimeout();
            List<TopicPartition> partitions = KafkaIo.partitions(consumer, settings.progressTopic(), timeout);
            GrouplessReaders.assignFrom(consumer, partitions, since, timeout);
            return new JournalTail(consumer, partitions, json, timeout);
        } catch (KafkaException e) {
            consumer.close(Duration.ZERO);
            throw CliException.unreachable("Kafka", e);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Reads what arrives within {@code wait} and hands each event of this project on, in offset order per partition. */
    void poll(Duration wait, Consumer<JournalEvent> handler) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            JournalEvent.parse(json, record.partition(), record.offset(), record.timestamp(), record.value())
                    .ifPresent(handler);
        }
    }

    /** Whether every partition has been read up to {@code ends}. */
    boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** The current end of every partition. */
    Map<TopicPartition, Long> ends() {
        try {
            return consumer.endOffsets(partitions, timeout);
        } catch (KafkaException e) {
            throw CliException.unreachable("Kafka", e);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
