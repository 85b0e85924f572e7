package dev.shoehorn.backup.command;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.target.TargetRegistry;

/** Turns a record of {@code backup.commands} into a {@link BackupCommand} or a {@link Rejection}. */
@ApplicationScoped
public class BackupCommandParser {

    private final ObjectMapper json;
    private final TargetRegistry targets;
    private final CommandConfig config;

    public BackupCommandParser(ObjectMapper json, TargetRegistry targets, CommandConfig config) {
        this.json = json;
        this.targets = targets;
        this.config = config;
    }

    /** @throws RejectedException when the record is not a valid command for a known target */
    public BackupCommand parse(byte[] record) {
        CommandReader reader = CommandReader.of(json, record, config.maxRecordBytes());
        var commandId = reader.commandId();
        String target = reader.target("target");
        String requestedBy = reader.requestedBy();
        String reason = reader.optionalText("reason", 1000).orElse(null);
        Instant requestedAt = reader.optionalTimestamp("requestedAt").orElse(null);
        BackupOptions options = reader.optionalObject("options").map(o -> options(reader, o))
                .orElse(BackupOptions.DEFAULT);
        if (targets.find(target).isEmpty()) {
            throw reader.reject(ErrorCode.UNKNOWN_TARGET, "target " + target + " is not configured in this worker");
        }
        return new BackupCommand(commandId, target, requestedBy, reason, options, requestedAt);
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
