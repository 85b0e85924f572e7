package dev.shoehorn.backup.restore;

import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandReader;
import dev.shoehorn.backup.storage.ArchiveKeys;

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
        Optional<String> sourceField = reader.optionalText("sourceTarget", 63);
        String source = sourceField.isPresent() ? reader.target("sourceTarget") : target;
        Optional<String> archiveField = reader.optionalText("archive", 1024);
        archiveField.filter(a -> !RestoreCommand.LATEST.equals(a) && !ArchiveKeys.KEY_FORM.matcher(a).matches())
                .ifPresent(a -> {
                    // its place under the source's folder is RestoreService's to check, against the prefix
                    throw reader.invalid("archive must be \"latest\" or an archive's key, <prefix>/<target>/"
                            + "<target>_<YYYYmmdd_HHMMSS>.dump[.zst][.enc] or .dir");
                });
        var confirm = reader.optionalText("confirm", 63);
        String reason = reader.optionalText("reason", 1000).orElse(null);
        PostRestore.Requested steps = reader.optionalObject("postRestore").map(node -> steps(reader, node))
                .orElse(PostRestore.Requested.DEFAULTS);
        Optional<RestoreMode> mode = reader.optionalText("mode", 32).map(m -> RestoreMode.of(m)
                .orElseThrow(() -> reader.invalid("mode must be \"swap\" or \"single-transaction\"")));
        Optional<String> rollbackOf = reader.optionalText("rollbackOf", 36)
                .map(id -> rollbackOf(reader, id, mode, steps, sourceField.isPresent() || archiveField.isPresent()));
        String archive = rollbackOf.isPresent() ? null : archiveField.orElse(RestoreCommand.LATEST);
        boolean drill = reader.optionalBoolean("drill").orElse(false);
        if (drill && (rollbackOf.isPresent() || !source.equals(target) || mode.isPresent())) {
            throw reader.invalid("a drill restores the target's own archive into a throwaway database: leave out "
                    + "rollbackOf, mode, and sourceTarget (or name the target itself)");
        }
        return new RestoreCommand(commandId, target, source, archive, requestedBy, reason, confirm, steps,
                reader.optionalInstant("requestedAt"), mode, rollbackOf, drill, null, null, null);
    }

    /** A rollback swaps a kept database back in: no archive, nothing but swap, and no migrations on it. */
    private static String rollbackOf(CommandReader reader, String id, Optional<RestoreMode> mode,
            PostRestore.Requested steps, boolean namesArchive) {
        String job = id.toLowerCase(Locale.ROOT);
        if (!SwapRestore.isJobReference(job)) {
            throw reader.invalid("rollbackOf must be the jobId of a swap restore or its first 8 hex digits");
        }
        if (namesArchive) {
            throw reader.invalid("a rollback restores no archive: leave out archive and sourceTarget");
        }
        if (mode.filter(m -> m != RestoreMode.SWAP).isPresent()) {
            throw reader.invalid("a rollback always swaps: mode must be \"swap\" or left out");
        }
        if (steps.migrate().orElse(false)) {
            throw reader.invalid("a rollback brings back a database as it was: postRestore.migrate must be false");
        }
        return job;
    }

    private static PostRestore.Requested steps(CommandReader reader, JsonNode node) {
        return new PostRestore.Requested(
                reader.optionalBoolean(node, "postRestore", "migrate"),
                reader.optionalBoolean(node, "postRestore", "backfill"),
                reader.optionalBoolean(node, "postRestore", "flushCache"));
    }
}
