package dev.shoehorn.backup.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.progress.AcknowledgedSends;
import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signatures;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes slot commands (backups to the backup command topic, drills to the restore command topic),
 * keyed by target like any command, signed
 * with this worker's key where it has one (so targets that accept signed commands only take them),
 * and returns once the broker has the record.
 */
@ApplicationScoped
public class ScheduledCommands {

    private static final Logger LOG = Logger.getLogger(ScheduledCommands.class);

    private final MutinyEmitter<byte[]> emitter;
    private final MutinyEmitter<byte[]> drills;
    private final AcknowledgedSends sends;
    private final Signatures signatures;
    private final ObjectMapper json;
    private final Traces traces;
    private final String backupTopic;
    private final String restoreTopic;

    public ScheduledCommands(@Channel("scheduled-backups") MutinyEmitter<byte[]> emitter,
            @Channel("scheduled-drills") MutinyEmitter<byte[]> drills, AcknowledgedSends sends, Signatures signatures,
            ObjectMapper json, Traces traces,
            @ConfigProperty(name = "mp.messaging.outgoing.scheduled-backups.topic") String backupTopic,
            @ConfigProperty(name = "mp.messaging.outgoing.scheduled-drills.topic") String restoreTopic) {
        this.traces = traces;
        this.backupTopic = backupTopic;
        this.restoreTopic = restoreTopic;
        this.emitter = emitter;
        this.drills = drills;
        this.sends = sends;
        this.signatures = signatures;
        this.json = json;
    }

    /** @throws dev.shoehorn.backup.progress.EventsStoppedException when the worker stops first */
    public void publish(SlotCommand command, Instant now) {
        send(emitter, backupTopic, SignedKind.BACKUP, command.target(), command.slot(), command.commandId(),
                command.value(now));
    }

    /**
     * Publishes the drill of one slot of a target's drill schedule to the restore command topic; its
     * commandId is derived from (target, slot), as a backup slot's is.
     */
    public void publishDrill(String target, Cron cron, Instant slot, Instant now) {
        UUID commandId = SlotCommand.drillCommandIdOf(target, slot);
        send(drills, restoreTopic, SignedKind.RESTORE, target, slot, commandId, new DrillValue(commandId, target,
                SlotCommand.REQUESTED_BY, "scheduled drill slot " + slot + " (" + cron + ")", now, true));
    }

    /** A scheduled drill: a restore command of the target's latest archive with {@code drill: true}. */
    public record DrillValue(UUID commandId, String target, String requestedBy, String reason, Instant requestedAt,
            boolean drill) {
    }

    /** Sends a slot's command as the first span of a new trace, which its job then continues. */
    private void send(MutinyEmitter<byte[]> to, String topic, SignedKind kind, String target, Instant slot,
            UUID commandId, Object command) {
        byte[] value;
        try {
            value = json.writeValueAsBytes(command);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("slot command not serialisable", e);
        }
        traces.sending(topic, target, commandId.toString(), Context.root(), trace -> {
            RecordHeaders headers = new RecordHeaders();
            trace.forEach((name, text) -> headers.add(name, text.getBytes(StandardCharsets.UTF_8)));
            signatures.sign(kind, value)
                    .ifPresent(s -> headers.add(SignatureHeader.NAME, s.getBytes(StandardCharsets.US_ASCII)));
            sends.send(to, () -> Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(target)
                    .withHeaders(headers)
                    .build()),
                    (attempt, failure, wait) -> LOG.warnf(
                            "target=%s stage=slot-publish-retry slot=%s attempt=%d wait=%s msg=\"%s\"", target, slot,
                            attempt, wait, failure.message()));
        });
    }
}
