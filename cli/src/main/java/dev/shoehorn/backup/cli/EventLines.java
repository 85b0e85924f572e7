package dev.shoehorn.backup.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.journal.JournalEvent;

/** An event of a job as a line for people: time, target, kind, stage, and what the stage tells. */
final class EventLines {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private EventLines() {
    }

    /** The event as a line of {@code --json} output ({@code "kind":"event"}). */
    static Map<String, Object> json(JournalEvent event) {
        return Cli.fields("kind", "event", "type", event.type(), "time", event.time().toString(), "source",
                event.source(), "data", event.data());
    }

    /** The event's local time of day and a separator: the start of every line of it. */
    static String time(JournalEvent event) {
        return TIME.format(event.time()) + "  ";
    }

    static String line(JournalEvent event) {
        return time(event) + event.target() + "  " + event.kind() + " " + event.stage()
                + details(event.data(), event.stage());
    }

    private static String details(JsonNode data, String stage) {
        StringBuilder text = new StringBuilder();
        append(text, "by", data.path("requestedBy"));
        if (data.hasNonNull("reason")) {
            text.append(" (\"").append(data.path("reason").asText()).append("\")");
        }
        append(text, "from", data.path("sourceTarget"));
        append(text, "mode", data.path("mode"));
        JsonNode archive = data.path("archive");
        if (archive.isObject() && !"accepted".equals(stage)) {
            text.append("  ").append(archive.path("key").asText());
            if (archive.hasNonNull("bytes")) {
                text.append(" ").append(Units.bytes(archive.path("bytes").asLong()));
            }
        }
        if (data.hasNonNull("durationMs")) {
            text.append("  in ").append(Units.millis(data.path("durationMs").asLong()));
        }
        append(text, "restore job", data.path("restoreJobId"));
        append(text, "keys removed", data.path("keysRemoved"));
        append(text, "original job", data.path("originalJobId"));
        append(text, "which", data.path("originalOutcome"));
        JsonNode error = data.path("error");
        if (error.isObject()) {
            text.append("  ").append(error.path("code").asText("?")).append(": ").append(error.path("message").asText(""));
        }
        if (data.has("targetChanged")) {
            text.append(data.path("targetChanged").asBoolean() ? "  (target changed)" : "  (target unchanged)");
        }
        return text.toString();
    }

    private static void append(StringBuilder text, String label, JsonNode value) {
        if (value != null && !value.isMissingNode() && !value.isNull()) {
            text.append("  ").append(label).append(' ').append(value.asText());
        }
    }
}
