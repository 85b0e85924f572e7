package dev.shoehorn.backup.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.progress.AcknowledgedSends;
import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signatures;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes slot commands to the backup command topic, keyed by target like any command, signed
 * with this worker's key where it has one (so targets that accept signed commands only take them),
 * and returns once the broker has the record.
 */
@ApplicationScoped
public class ScheduledCommands {

    private static final Logger LOG = Logger.getLogger(ScheduledCommands.class);

    private final MutinyEmitter<byte[]> emitter;
    private final AcknowledgedSends sends;
    private final Signatures signatures;
    private final ObjectMapper json;

    public ScheduledCommands(@Channel("scheduled-backups") MutinyEmitter<byte[]> emitter, AcknowledgedSends sends,
            Signatures signatures, ObjectMapper json) {
        this.emitter = emitter;
        this.sends = sends;
        this.signatures = signatures;
        this.json = json;
    }

    /** @throws dev.shoehorn.backup.progress.EventsStoppedException when the worker stops first */
    public void publish(SlotCommand command, Instant now) {
        byte[] value;
        try {
            value = json.writeValueAsBytes(command.value(now));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("slot command not serialisable", e);
        }
        RecordHeaders headers = new RecordHeaders();
        signatures.sign(SignedKind.BACKUP, value)
                .ifPresent(s -> headers.add(SignatureHeader.NAME, s.getBytes(StandardCharsets.US_ASCII)));
        sends.send(emitter, () -> Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(command.target())
                .withHeaders(headers)
                .build()),
                (attempt, failure, wait) -> LOG.warnf(
                        "target=%s stage=slot-publish-retry slot=%s attempt=%d wait=%s msg=\"%s\"", command.target(),
                        command.slot(), attempt, wait, failure.message()));
    }
}
