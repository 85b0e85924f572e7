package dev.shoehorn.backup.progress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signatures;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.api.trace.Span;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes CloudEvents to the progress topic, keyed by target so that one database's events stay in
 * order on one partition. Each event is sent until the broker acknowledges it (idempotent
 * producer, {@code acks=all}, a delivery timeout as long as a job may run), however long the
 * broker is away ({@link AcknowledgedSends}): an event is never given up and logged as lost while
 * its job goes on.
 */
@ApplicationScoped
public class ProgressPublisher {

    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);

    private final MutinyEmitter<String> emitter;
    private final ObjectMapper json;
    private final String source;
    private final AcknowledgedSends sends;
    private final Signatures signatures;
    private final Traces traces;
    private final String topic;

    public ProgressPublisher(@Channel("backup-progress") MutinyEmitter<String> emitter, ObjectMapper json,
            ProgressConfig config, AcknowledgedSends sends, Signatures signatures, Traces traces,
            @ConfigProperty(name = "backup.topics.progress", defaultValue = "backup.progress") String topic) {
        this.sends = sends;
        this.traces = traces;
        this.topic = topic;
        this.signatures = signatures;
        this.emitter = emitter;
        this.json = json;
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

    /**
     * Sends one event in a producer span of its own (a child of the step that emits it), whose
     * context the event carries: in its envelope (the CloudEvents distributed-tracing extension,
     * which survives the event's copies in the archive) and as the record's headers.
     */
    void publish(JobEvents job, long seq, StageEvent event) {
        CloudEvent untraced = EventEnvelope.of(json, source, job.jobId(), job.commandId(), job.target(), seq,
                job.attempt(), event);
        traces.sending(topic, job.target(), untraced.id(), job.trace(), trace -> {
            Span.current().setAttribute(Traces.EVENT_TYPE, untraced.type());
            RecordHeaders headers = new RecordHeaders();
            headers.add("content-type", CloudEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            trace.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            String payload = serialise(untraced.traced(trace.get(Traces.TRACEPARENT), trace.get(Traces.TRACESTATE)));
            // over the bytes the String serializer sends (UTF-8), so that reactors can refuse forged events
            signatures.sign(SignedKind.EVENT, payload.getBytes(StandardCharsets.UTF_8))
                    .ifPresent(signature -> headers.add(SignatureHeader.NAME,
                            signature.getBytes(StandardCharsets.US_ASCII)));
            sends.send(emitter, () -> Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(job.target())
                    .withHeaders(headers)
                    .build()),
                    (attempt, failure, wait) -> LOG.warnf(
                            "job=%s target=%s stage=event-retry type=%s seq=%d attempt=%d wait=%s msg=\"%s\"",
                            job.jobId(), job.target(), event.type().type(), seq, attempt, wait, failure.message()));
        });
    }

    private String serialise(CloudEvent envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable", e);
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
