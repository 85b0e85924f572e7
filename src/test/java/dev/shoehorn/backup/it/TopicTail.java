package dev.shoehorn.backup.it;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning on a thread of its own and keeps every record, the way an
 * operator's or auditor's consumer would (its own group, never the workers').
 */
public final class TopicTail implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final java.util.Map<Integer, Long> nextOffsets = new java.util.HashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    public TopicTail(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        poller = new Thread(() -> {
            try {
                while (running) {
                    consumer.poll(Duration.ofMillis(200)).forEach(this::keepOnce);
                }
            } catch (WakeupException ignored) {
                // closing
            } finally {
                consumer.close();
            }
        }, "tail-" + topic);
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * A consumer whose group lost its position (a broker restart) reads the topic again from the
     * start: each record is kept once, by its partition and offset, as a reader that commits would.
     */
    private void keepOnce(ConsumerRecord<String, byte[]> record) {
        long next = nextOffsets.getOrDefault(record.partition(), 0L);
        if (record.offset() >= next) {
            records.add(record);
            nextOffsets.put(record.partition(), record.offset() + 1);
        }
    }

    public List<ConsumerRecord<String, byte[]>> records() {
        return List.copyOf(records);
    }

    public List<ConsumerRecord<String, byte[]>> matching(Predicate<ConsumerRecord<String, byte[]>> filter) {
        return records.stream().filter(filter).toList();
    }

    /** A header's value as text, or null when the record has none. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5_000);
    }
}
