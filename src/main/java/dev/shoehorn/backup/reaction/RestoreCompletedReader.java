package dev.shoehorn.backup.reaction;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.restore.PostRestore;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.context.Context;

/**
 * Picks {@code restore.completed} events out of the progress topic. Everything else there (backup
 * events, the reactions' own events, records that are not CloudEvents) is of no concern to a
 * reaction and reads as empty; a restore.completed without the fields a reaction needs reads as
 * {@link Result.Unusable}, so that the caller can say why it is skipped.
 */
public final class RestoreCompletedReader {

    /** The reading of one record. */
    public sealed interface Result permits Result.Other, Result.Unusable, Result.Completed {

        /** Not a restore.completed event: ignored without a word. */
        record Other() implements Result {
        }

        /** A restore.completed that lacks what a reaction needs. */
        record Unusable(String reason) implements Result {
        }

        /** A restore.completed, and the trace context it was sent in (its distributed-tracing extension). */
        record Completed(RestoreCompleted event, Context creation) implements Result {
        }
    }

    private static final Result OTHER = new Result.Other();

    private final ObjectMapper json;

    public RestoreCompletedReader(ObjectMapper json) {
        this.json = json;
    }

    public Result read(byte[] record) {
        if (record == null || record.length == 0) {
            return OTHER;
        }
        JsonNode event;
        try {
            event = json.readTree(record);
        } catch (IOException e) {
            return OTHER;
        }
        if (event == null || !EventType.RESTORE_COMPLETED.type().equals(event.path("type").asText(null))) {
            return OTHER;
        }
        JsonNode data = event.path("data");
        String jobId = text(data, "jobId");
        if (jobId == null || !isUuid(jobId)) {
            return new Result.Unusable("data.jobId missing or not a UUID");
        }
        String target = text(data, "target");
        if (target == null) {
            return new Result.Unusable("data.target missing");
        }
        JsonNode steps = data.path("postRestore");
        if (!steps.isObject()) {
            return new Result.Unusable("data.postRestore missing");
        }
        PostRestore postRestore = new PostRestore(steps.path("migrate").asBoolean(false),
                steps.path("backfill").asBoolean(false), steps.path("flushCache").asBoolean(false));
        return new Result.Completed(new RestoreCompleted(jobId, text(data, "commandId"), target, postRestore),
                Traces.fromCloudEvent(event));
    }

    /** Convenience for callers that only care about usable events. */
    public Optional<RestoreCompleted> completed(byte[] record) {
        return read(record) instanceof Result.Completed c ? Optional.of(c.event()) : Optional.empty();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static boolean isUuid(String text) {
        try {
            UUID.fromString(text);
            return text.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
