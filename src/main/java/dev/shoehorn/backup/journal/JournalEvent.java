package dev.shoehorn.backup.journal;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One record of the progress topic that is an event of this project ({@code dev.shoehorn.*}), with
 * where it was read: from the live topic or from an archived segment, it is the same value.
 *
 * @param partition the record's partition
 * @param offset the record's offset in that partition
 * @param timestamp the record's timestamp (the broker's or the producer's)
 * @param type the CloudEvents {@code type}
 * @param source the CloudEvents {@code source}: which worker sent it
 * @param time the CloudEvents {@code time}, or the record's timestamp when absent or unreadable
 * @param data the CloudEvents {@code data}
 */
public record JournalEvent(int partition, long offset, Instant timestamp, String type, String source, Instant time,
        JsonNode data) {

    /** The prefix of every event type of this project. */
    public static final String TYPE_PREFIX = "dev.shoehorn.";

    /**
     * Reads a record's value; empty when it is not an event of this project (other traffic on the
     * topic, a value that is not JSON), which readers of the journal skip.
     */
    public static Optional<JournalEvent> parse(ObjectMapper json, int partition, long offset, long timestampMillis,
            byte[] value) {
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        try {
            return of(partition, offset, timestampMillis, json.readTree(value));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** As {@link #parse}, for a value already read as JSON. */
    public static Optional<JournalEvent> of(int partition, long offset, long timestampMillis, JsonNode event) {
        if (event == null || !event.isObject()) {
            return Optional.empty();
        }
        String type = event.path("type").asText("");
        JsonNode data = event.path("data");
        if (!type.startsWith(TYPE_PREFIX) || !data.isObject() || !data.hasNonNull("jobId")) {
            return Optional.empty();
        }
        Instant timestamp = Instant.ofEpochMilli(timestampMillis);
        return Optional.of(new JournalEvent(partition, offset, timestamp, type, event.path("source").asText(""),
                parseTime(event.path("time").asText(null), timestamp), data));
    }

    private static Instant parseTime(String time, Instant fallback) {
        if (time == null) {
            return fallback;
        }
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }

    public String jobId() {
        return data.path("jobId").asText();
    }

    public String commandId() {
        return data.path("commandId").asText(null);
    }

    public String target() {
        return data.path("target").asText(null);
    }

    /** {@code backup}, {@code restore}, {@code backfill}, {@code cache}…: the type's middle part. */
    public String kind() {
        String rest = type.substring(TYPE_PREFIX.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** {@code accepted}, {@code progress}, {@code completed}…: the type's last part. */
    public String stage() {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    public boolean isProgress() {
        return "progress".equals(stage());
    }
}
