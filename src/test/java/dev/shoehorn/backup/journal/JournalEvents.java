package dev.shoehorn.backup.journal;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Journal events of made-up jobs, for tests of what reads the journal. */
public final class JournalEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static long offset;

    private JournalEvents() {
    }

    /** A CloudEvent of type {@code dev.shoehorn.<kind>.<stage>} as the worker sends it. */
    public static ObjectNode cloudEvent(String kind, String stage, String jobId, String target, long seq, Instant time) {
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("id", java.util.UUID.randomUUID().toString())
                .put("source", "backup-worker/test")
                .put("type", "dev.shoehorn." + kind + "." + stage)
                .put("subject", target)
                .put("time", time.toString());
        event.putObject("data").put("jobId", jobId).put("commandId", "c-" + jobId).put("target", target)
                .put("seq", seq).put("attempt", 1);
        return event;
    }

    public static JournalEvent event(ObjectNode cloudEvent) {
        return JournalEvent.of(0, offset++, Instant.parse(cloudEvent.path("time").asText()).toEpochMilli(), cloudEvent)
                .orElseThrow();
    }

    public static JournalEvent event(String kind, String stage, String jobId, String target, long seq, Instant time) {
        return event(cloudEvent(kind, stage, jobId, target, seq, time));
    }
}
