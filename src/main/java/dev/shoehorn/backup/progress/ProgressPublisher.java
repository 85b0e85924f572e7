package dev.shoehorn.backup.progress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signatures;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes CloudEvents to the progress topic, keyed by target so that one database's events stay in
 * order on one partition. Each send waits for the broker's acknowledgement: a job's next step
 * (and finally the command's commit) happens only after its event is durable.
 */
@ApplicationScoped
public class ProgressPublisher {

    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);

    private final MutinyEmitter<String> emitter;
    private final ObjectMapper json;
    private final ProgressConfig config;
    private final String source;
    private final Signatures signatures;

    public ProgressPublisher(@Channel("backup-progress") MutinyEmitter<String> emitter, ObjectMapper json,
            ProgressConfig config, Signatures signatures) {
        this.emitter = emitter;
        this.json = json;
        this.config = config;
        this.signatures = signatures;
        this.source = "backup-worker/" + config.instance().orElseGet(ProgressPublisher::hostName);
    }

    public String source() {
        return source;
    }

    /** A new job's event stream; its events are numbered from 1. */
    public JobEvents job(String jobId, String commandId, String target) {
        return new JobEvents(this, jobId, commandId, target, 0);
    }

    /**
     * The event stream of a job that an earlier process started (a reaction resumed after a
     * redelivery): its next event is numbered {@code lastSeq + 1}, so the job's sequence has no gaps.
     */
    public JobEvents resume(String jobId, String commandId, String target, long lastSeq) {
        return new JobEvents(this, jobId, commandId, target, lastSeq);
    }

    void publish(EventType type, EventData data) {
        CloudEvent event = new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(), source, type.type(),
                data.target(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), "application/json", data);
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable", e);
        }
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders()
                .add("content-type", CloudEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        // signing: over the bytes the String serializer sends (UTF-8), so reactors can refuse forged events
        signatures.sign(SignedKind.EVENT, payload.getBytes(StandardCharsets.UTF_8))
                .ifPresent(signature -> headers.add(SignatureHeader.NAME, signature.getBytes(StandardCharsets.US_ASCII)));
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(data.target())
                .withHeaders(headers)
                .build();
        try {
            emitter.sendMessage(Message.of(payload).addMetadata(metadata)).await().atMost(config.sendTimeout());
        } catch (RuntimeException e) {
            LOG.errorf("job=%s target=%s stage=event-lost type=%s seq=%d msg=\"%s\"", data.jobId(), data.target(),
                    type.type(), data.seq(), e.getMessage());
        }
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
