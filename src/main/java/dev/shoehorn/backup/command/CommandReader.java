package dev.shoehorn.backup.command;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.target.Target;

/**
 * Reads the fields of one command record with precise rejections: which field is missing or of
 * the wrong type. Shared by every command kind; unknown fields are ignored so that v1 readers
 * accept additive changes.
 */
public final class CommandReader {

    private static final Pattern RFC_3339 = Pattern
            .compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private final JsonNode root;
    /** Where {@code root} sits in the record, for messages: empty, or {@code schedule.} */
    private final String path;
    private String commandId;
    private String target;

    private CommandReader(JsonNode root, String path) {
        this.root = root;
        this.path = path;
    }

    /** A reader of a nested object of this record; its refusals name the command and the field's full path. */
    public CommandReader within(JsonNode object, String name) {
        CommandReader nested = new CommandReader(object, path + name + ".");
        nested.commandId = commandId;
        nested.target = target;
        return nested;
    }

    public static CommandReader of(ObjectMapper json, byte[] record, int maxBytes) {
        if (record == null || record.length == 0) {
            throw reject(ErrorCode.INVALID_JSON, "the record has no value", null, null);
        }
        if (record.length > maxBytes) {
            throw reject(ErrorCode.RECORD_TOO_LARGE,
                    "the record has " + record.length + " bytes, more than the limit of " + maxBytes, null, null);
        }
        JsonNode root;
        try {
            root = json.reader()
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(record);
        } catch (IOException e) {
            // a second value after the object, a field given twice (which of the two would count?),
            // nesting past the parser's depth limit: none of these is a command
            throw reject(ErrorCode.INVALID_JSON, "the record is not one JSON object with each field once", null, null);
        }
        if (root == null || !root.isObject()) {
            throw reject(ErrorCode.INVALID_JSON, "the record is not a JSON object", null, null);
        }
        return new CommandReader(root, "");
    }

    public UUID commandId() {
        String text = requiredText("commandId");
        try {
            UUID id = UUID.fromString(text);
            if (!id.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException();
            }
            commandId = id.toString();
            return id;
        } catch (IllegalArgumentException e) {
            throw invalid("commandId must be a UUID");
        }
    }

    public String target(String field) {
        String name = requiredText(field);
        if (!Target.NAME.matcher(name).matches()) {
            throw invalid(field + " must be a plain target name matching " + Target.NAME.pattern());
        }
        if ("target".equals(field)) {
            target = name;
        }
        return name;
    }

    /** Who asked: required on every command, at most 200 characters. */
    public String requestedBy() {
        String requestedBy = requiredText("requestedBy");
        if (requestedBy.length() > 200) {
            throw invalid("requestedBy must have at most 200 characters");
        }
        return requestedBy;
    }

    public String requiredText(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw reject(ErrorCode.MISSING_FIELD, field + " is required", commandId, target);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(field + " must be a non-empty string");
        }
        return printable(field, node.asText());
    }

    public Optional<String> optionalText(String field, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().length() > maxLength) {
            throw invalid(path + field + " must be a string of at most " + maxLength + " characters");
        }
        return Optional.of(printable(path + field, node.asText()));
    }

    /**
     * Refuses control characters and line separators (newlines that would forge log lines, NUL) and the bidirectional
     * overrides that make a text read differently from what it is, in every text field: a command's
     * text ends up in logs, events and audit trails, where it must show as what it is.
     */
    private String printable(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                    || c == '\u200E' || c == '\u200F' || c == '\u061C' || c == '\u2028' || c == '\u2029') {
                throw invalid(field + " holds a control or bidirectional-override character (U+"
                        + String.format("%04X", (int) c) + ")");
            }
        }
        return text;
    }

    /**
     * An optional RFC 3339 date-time with seconds and an offset ({@code 2026-11-28T02:00:00Z}), as
     * the contract's timestamps are: a time without an offset would mean a different instant on
     * each sender.
     */
    public Optional<Instant> optionalInstant(String field) {
        Optional<String> text = optionalText(field, 64);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(instant(text.get()).orElseThrow(() -> invalid(path + field
                + " must be an RFC 3339 date-time with an offset, e.g. 2026-11-28T02:00:00Z")));
    }

    /** The instant of an RFC 3339 date-time with seconds and an offset; empty for anything else. */
    public static Optional<Instant> instant(String text) {
        if (RFC_3339.matcher(text).matches()) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException e) {
                // of the right form but no real time (2026-02-30)
            }
        }
        return Optional.empty();
    }

    /** An optional boolean field of this object. */
    public Optional<Boolean> optionalBoolean(String field) {
        return optionalBoolean(root, path.isEmpty() ? "" : path.substring(0, path.length() - 1), field);
    }

    /** A boolean inside an optional object, e.g. {@code postRestore.backfill}. */
    public Optional<Boolean> optionalBoolean(JsonNode object, String path, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw invalid((path.isEmpty() ? "" : path + ".") + field + " must be true or false");
        }
        return Optional.of(node.asBoolean());
    }

    public Optional<JsonNode> optionalObject(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw invalid(field + " must be an object");
        }
        return Optional.of(node);
    }

    public RejectedException invalid(String message) {
        return reject(ErrorCode.INVALID_FIELD, message, commandId, target);
    }

    public RejectedException reject(ErrorCode code, String message) {
        return reject(code, message, commandId, target);
    }

    private static RejectedException reject(ErrorCode code, String message, String commandId, String target) {
        return new RejectedException(new Rejection(code, message, commandId, target));
    }
}
