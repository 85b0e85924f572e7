package dev.shoehorn.backup.restore;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandReader;

/**
 * Reads a record of {@code restore.commands} into a {@link RestoreCommand}, or refuses it naming
 * the field at fault. Nothing here looks at configuration or storage: the guard rails are
 * {@link RestoreService#admit}'s.
 */
@ApplicationScoped
public class RestoreCommandParser {

    private final ObjectMapper json;
    private final CommandConfig config;

    public RestoreCommandParser(ObjectMapper json, CommandConfig config) {
        this.json = json;
        this.config = config;
    }

    /** @throws dev.shoehorn.backup.command.RejectedException when the record is not a valid restore command */
    public RestoreCommand parse(byte[] record) {
        CommandReader reader = CommandReader.of(json, record, config.maxRecordBytes());
        var commandId = reader.commandId();
        String target = reader.target("target");
        String requestedBy = reader.requestedBy();
        String source = reader.optionalText("sourceTarget", 63).isPresent() ? reader.target("sourceTarget") : target;
        String archive = reader.optionalText("archive", 1024).orElse(RestoreCommand.LATEST);
        var confirm = reader.optionalText("confirm", 63);
        String reason = reader.optionalText("reason", 1000).orElse(null);
        PostRestore.Requested steps = reader.optionalObject("postRestore").map(node -> steps(reader, node))
                .orElse(PostRestore.Requested.DEFAULTS);
        return new RestoreCommand(commandId, target, source, archive, requestedBy, reason, confirm, steps,
                reader.optionalInstant("requestedAt"), null, null);
    }

    private static PostRestore.Requested steps(CommandReader reader, JsonNode node) {
        return new PostRestore.Requested(
                reader.optionalBoolean(node, "postRestore", "migrate"),
                reader.optionalBoolean(node, "postRestore", "backfill"),
                reader.optionalBoolean(node, "postRestore", "flushCache"));
    }
}
