package dev.shoehorn.backup.command;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.progress.AcknowledgedSends;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Copies a refused command record to the command topic's dead-letter topic ({@code <topic>.dlq}):
 * the value, the key and the headers byte for byte, plus headers saying why. The copy is waited
 * for until the broker has it, so that the original is committed only once its copy is safe.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final MutinyEmitter<byte[]> emitter;
    private final AcknowledgedSends sends;

    public DeadLetters(@Channel("command-dlq") MutinyEmitter<byte[]> emitter, AcknowledgedSends sends) {
        this.emitter = emitter;
        this.sends = sends;
    }

    /** @throws dev.shoehorn.backup.progress.EventsStoppedException when the worker stops first */
    public void send(IncomingKafkaRecordMetadata<?, ?> original, byte[] value, Rejection rejection, String jobId) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.getHeaders()) {
            headers.add(header.key(), header.value());
        }
        header(headers, "error.code", rejection.code().name());
        header(headers, "error.message", rejection.message());
        header(headers, "original.topic", original.getTopic());
        header(headers, "original.partition", Integer.toString(original.getPartition()));
        header(headers, "original.offset", Long.toString(original.getOffset()));
        header(headers, "original.timestamp", Long.toString(original.getTimestamp().toEpochMilli()));
        header(headers, "job.id", jobId);
        byte[] body = value == null ? new byte[0] : value;
        sends.send(emitter, () -> Message.of(body).addMetadata(OutgoingKafkaRecordMetadata.builder()
                .withTopic(original.getTopic() + ".dlq")
                .withKey(original.getKey())
                .withHeaders(headers)
                .build()),
                (attempt, failure, wait) -> LOG.warnf(
                        "job=%s stage=dead-letter-retry topic=%s partition=%d offset=%d attempt=%d wait=%s msg=\"%s\"",
                        jobId, original.getTopic(), original.getPartition(), original.getOffset(), attempt, wait,
                        failure.message()));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
