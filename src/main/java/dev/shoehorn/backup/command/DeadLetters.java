package dev.shoehorn.backup.command;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Copies a refused command record, byte for byte and under its original key, to the command
 * topic's dead-letter topic ({@code <topic>.dlq}) with headers saying why.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final MutinyEmitter<byte[]> emitter;

    public DeadLetters(@Channel("command-dlq") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Blocks until the broker has the record, so that the original may be committed after. */
    public void send(IncomingKafkaRecordMetadata<?, ?> original, byte[] value, Rejection rejection, String jobId) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, "error.code", rejection.code().name());
        header(headers, "error.message", rejection.message());
        header(headers, "original.topic", original.getTopic());
        header(headers, "original.partition", Integer.toString(original.getPartition()));
        header(headers, "original.offset", Long.toString(original.getOffset()));
        header(headers, "job.id", jobId);
        OutgoingKafkaRecordMetadata<Object> metadata = OutgoingKafkaRecordMetadata.builder()
                .withTopic(original.getTopic() + ".dlq")
                .withKey(original.getKey())
                .withHeaders(headers)
                .build();
        emitter.sendMessage(Message.of(value == null ? new byte[0] : value).addMetadata(metadata))
                .await().atMost(SEND_TIMEOUT);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
