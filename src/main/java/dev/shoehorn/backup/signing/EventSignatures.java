package dev.shoehorn.backup.signing;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Whether a reaction may act on a {@code restore.completed} record. Where signed events are
 * required, only a valid signature of a trusted key lets it act, so that whoever can write to the
 * progress topic cannot make a reaction empty a cache or re-index by forging an event. Where they
 * are not, nothing is checked: reactors need not know every worker's key.
 */
@ApplicationScoped
public class EventSignatures {

    private static final Logger LOG = Logger.getLogger(EventSignatures.class);

    private final Signatures signatures;
    private final boolean required;

    public EventSignatures(Signatures signatures, SignedEventsConfig config) {
        this.signatures = signatures;
        this.required = config.requireSignedEvents();
    }

    /** Logs a refusal in one line (never the payload); the caller acknowledges the record either way. */
    public boolean admits(String reaction, Message<byte[]> message, String restoreJobId) {
        if (!required) {
            return true;
        }
        Verification verification = signatures.verify(SignedKind.EVENT, message);
        if (verification instanceof Verification.Valid) {
            return true;
        }
        String reason = verification instanceof Verification.Invalid invalid ? invalid.reason() : "no signature";
        String record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> " partition=" + m.getPartition() + " offset=" + m.getOffset()).orElse("");
        LOG.warnf("reaction=%s restoreJob=%s stage=refused verdict=%s reason=\"%s\"%s", reaction,
                restoreJobId, verification.verdict(), reason, record);
        return false;
    }
}
