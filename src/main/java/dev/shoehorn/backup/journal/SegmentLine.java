package dev.shoehorn.backup.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of the progress topic as a line of an archived segment: where it was, its key and
 * headers (the {@code bw-signature} among them, so that an auditor can still check it), and its value,
 * as {@code event} when it is a JSON object and as {@code valueBase64} otherwise (every record is kept,
 * other traffic too, so that the archive is the topic).
 *
 * @param partition the record's partition
 * @param offset its offset
 * @param timestamp its timestamp, epoch milliseconds
 * @param key its key, or null
 * @param headers its headers whose values are UTF-8 text, by name (the last of a repeated name)
 * @param event its value when a JSON object, else null
 * @param valueBase64 its value otherwise (null for a null value)
 */
public record SegmentLine(int partition, long offset, long timestamp, String key, Map<String, String> headers,
        JsonNode event, String valueBase64) {

    /** Builds the line of a record as read from the topic. */
    public static SegmentLine of(ObjectMapper json, int partition, long offset, long timestamp, byte[] key,
            Map<String, byte[]> headers, byte[] value) {
        Map<String, String> text = new LinkedHashMap<>();
        headers.forEach((name, bytes) -> utf8(bytes).ifPresent(v -> text.put(name, v)));
        JsonNode event = null;
        if (value != null && value.length > 0 && value[0] == '{') {
            try {
                JsonNode parsed = json.readTree(value);
                event = parsed != null && parsed.isObject() ? parsed : null;
            } catch (IOException e) {
                event = null;
            }
        }
        String raw = event == null && value != null ? Base64.getEncoder().encodeToString(value) : null;
        return new SegmentLine(partition, offset, timestamp, key == null ? null : utf8(key).orElse(null), text, event,
                raw);
    }

    public String toJson(ObjectMapper json) {
        ObjectNode line = json.createObjectNode();
        line.put("partition", partition);
        line.put("offset", offset);
        line.put("timestamp", timestamp);
        if (key != null) {
            line.put("key", key);
        }
        if (!headers.isEmpty()) {
            ObjectNode h = line.putObject("headers");
            headers.forEach(h::put);
        }
        if (event != null) {
            line.set("event", event);
        } else if (valueBase64 != null) {
            line.put("valueBase64", valueBase64);
        }
        return line.toString();
    }

    public static SegmentLine parse(ObjectMapper json, String line) throws IOException {
        JsonNode node = json.readTree(line);
        if (node == null || !node.isObject() || !node.has("offset")) {
            throw new IOException("not a segment line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        JsonNode event = node.path("event");
        return new SegmentLine(node.path("partition").asInt(), node.path("offset").asLong(),
                node.path("timestamp").asLong(), node.path("key").asText(null), headers,
                event.isObject() ? event : null, node.path("valueBase64").asText(null));
    }

    /** The journal event this line holds, if it holds one of this project's. */
    public Optional<JournalEvent> journalEvent() {
        return JournalEvent.of(partition, offset, timestamp, event);
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
