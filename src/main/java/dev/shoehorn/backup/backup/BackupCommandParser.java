package dev.shoehorn.backup.backup;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandReader;

/**
 * Reads a record of {@code backup.commands} into a {@link BackupCommand}, or refuses it naming the
 * field at fault; whether the target exists is the shared intake's check.
 */
@ApplicationScoped
public class BackupCommandParser {

    private final ObjectMapper json;
    private final CommandConfig config;

    public BackupCommandParser(ObjectMapper json, CommandConfig config) {
        this.json = json;
        this.config = config;
    }

    /** @throws dev.shoehorn.backup.command.RejectedException when the record is not a valid backup command */
    public BackupCommand parse(byte[] record) {
        CommandReader reader = CommandReader.of(json, record, config.maxRecordBytes());
        var commandId = reader.commandId();
        String target = reader.target("target");
        String requestedBy = reader.requestedBy();
        String reason = reader.optionalText("reason", 1000).orElse(null);
        BackupOptions options = reader.optionalObject("options").map(o -> options(reader, o))
                .orElse(BackupOptions.DEFAULT);
        return new BackupCommand(commandId, target, requestedBy, reason, options, reader.optionalInstant("requestedAt"));
    }

    private static BackupOptions options(CommandReader reader, JsonNode node) {
        JsonNode format = node.get("format");
        if (format != null && !format.isNull() && !"custom".equals(format.asText(null))) {
            throw reader.invalid("options.format must be \"custom\"");
        }
        JsonNode jobs = node.get("jobs");
        if (jobs != null && !jobs.isNull() && !(jobs.isInt() && jobs.asInt() == 1)) {
            throw reader.invalid("options.jobs must be 1 with the custom format");
        }
        return BackupOptions.DEFAULT;
    }
}
