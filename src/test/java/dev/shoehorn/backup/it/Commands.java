package dev.shoehorn.backup.it;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes command records the way any service would. */
public final class Commands implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public Commands(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public static String backup(String commandId, String target) {
        return "{\"commandId\":\"" + commandId + "\",\"target\":\"" + target
                + "\",\"requestedBy\":\"it:tester\",\"reason\":\"integration test\",\"options\":{\"format\":\"custom\",\"jobs\":1}}";
    }

    /** A restore command; {@code confirm} may be null. */
    public static String restore(String commandId, String target, String sourceTarget, String archive,
            String confirm) {
        return restore(commandId, target, sourceTarget, archive, confirm, false);
    }

    /** A restore command that may ask for the target's migrations. */
    public static String restore(String commandId, String target, String sourceTarget, String archive,
            String confirm, boolean migrate) {
        return restore(commandId, target, sourceTarget, archive, confirm, migrate, null);
    }

    /** A restore command in a given mode ({@code swap}, {@code single-transaction}; null: the worker's default). */
    public static String restore(String commandId, String target, String sourceTarget, String archive,
            String confirm, boolean migrate, String mode) {
        return "{\"commandId\":\"" + commandId + "\",\"target\":\"" + target + "\",\"sourceTarget\":\""
                + sourceTarget + "\",\"archive\":\"" + archive + "\",\"requestedBy\":\"it:tester\""
                + (confirm == null ? "" : ",\"confirm\":\"" + confirm + "\"")
                + (mode == null ? "" : ",\"mode\":\"" + mode + "\"")
                + ",\"postRestore\":{\"migrate\":" + migrate + ",\"backfill\":false,\"flushCache\":false}}";
    }

    /** A rollback of the swap of the restore job {@code rollbackOf}; {@code confirm} may be null. */
    public static String rollback(String commandId, String target, String rollbackOf, String confirm) {
        return "{\"commandId\":\"" + commandId + "\",\"target\":\"" + target + "\",\"rollbackOf\":\""
                + rollbackOf + "\",\"requestedBy\":\"it:tester\""
                + (confirm == null ? "" : ",\"confirm\":\"" + confirm + "\"")
                + ",\"postRestore\":{\"backfill\":false,\"flushCache\":false}}";
    }

    public static String newCommandId() {
        return UUID.randomUUID().toString();
    }

    public void send(String topic, String key, String value) {
        send(topic, key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A structured CloudEvent, labelled as the worker labels its progress events. */
    public void sendCloudEvent(String topic, String key, String event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key,
                event.getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        send(record);
    }

    public void send(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** A record stamped with {@code timestamp} (CreateTime), as an old record replayed would be. */
    public void sendAt(String topic, String key, String value, java.time.Instant timestamp) {
        send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Publishes a record as built (headers included) and says where it landed. */
    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        String topic = record.topic();
        try {
            return producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
