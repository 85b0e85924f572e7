package dev.shoehorn.backup.progress;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event as it goes on the topic: the CloudEvents envelope around the data every event has
 * (jobId, commandId, target, seq, attempt) and its stage's record, whose null fields are left out.
 */
public final class EventEnvelope {

    private EventEnvelope() {
    }

    public static CloudEvent of(ObjectMapper json, String source, String jobId, String commandId, String target,
            long seq, int attempt, StageEvent event) {
        ObjectNode data = json.createObjectNode();
        data.put("jobId", jobId);
        if (commandId != null) {
            data.put("commandId", commandId);
        }
        if (target != null) {
            data.put("target", target);
        }
        data.put("seq", seq);
        data.put("attempt", attempt);
        JsonNode stage = json.valueToTree(event);
        for (Iterator<Map.Entry<String, JsonNode>> it = stage.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isNull()) {
                data.set(field.getKey(), field.getValue());
            }
        }
        return new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(), source, event.type().type(),
                target, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), "application/json", null, null, data);
    }
}
