package dev.shoehorn.backup.command;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.progress.PostRestore;
import dev.shoehorn.backup.restore.RestoreConfig;
import dev.shoehorn.backup.restore.RestoreMode;
import dev.shoehorn.backup.restore.SwapRestore;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * Turns a record of {@code restore.commands} into a {@link RestoreCommand} or a
 * {@link Rejection}: the guard rails (restorable, confirmation) and the archive's resolution
 * ({@code latest} or a key inside the source's prefix, with a manifest) happen here, before
 * anything touches the target.
 */
@ApplicationScoped
public class RestoreCommandParser {

    private final ObjectMapper json;
    private final TargetRegistry targets;
    private final CommandConfig config;
    private final ArchiveStore store;
    private final RestoreConfig restoreConfig;

    public RestoreCommandParser(ObjectMapper json, TargetRegistry targets, CommandConfig config, ArchiveStore store,
            RestoreConfig restoreConfig) {
        this.json = json;
        this.targets = targets;
        this.config = config;
        this.store = store;
        this.restoreConfig = restoreConfig;
    }

    /** @throws RejectedException when the record is not a restore that may run */
    public RestoreCommand parse(byte[] record) {
        CommandReader reader = CommandReader.of(json, record, config.maxRecordBytes());
        var commandId = reader.commandId();
        String targetName = reader.target("target");
        String requestedBy = reader.requestedBy();
        Optional<String> sourceField = reader.optionalText("sourceTarget", 63);
        String source = sourceField.isPresent() ? reader.target("sourceTarget") : targetName;
        Optional<String> archiveField = reader.optionalText("archive", 1024);
        String archive = archiveField.orElse(RestoreCommand.LATEST);
        Optional<String> confirm = reader.optionalText("confirm", 63);
        String reason = reader.optionalText("reason", 1000).orElse(null);
        PostRestore postRestore = reader.optionalObject("postRestore").map(node -> postRestore(reader, node))
                .orElse(defaults());
        // swap mode (SwapRestore): the mode asked for, and rollbacks of an earlier swap
        Optional<RestoreMode> mode = reader.optionalText("mode", 32).map(m -> RestoreMode.of(m)
                .orElseThrow(() -> reader.invalid("mode must be \"swap\" or \"single-transaction\"")));
        Optional<String> rollbackOf = reader.optionalText("rollbackOf", 36)
                .map(id -> rollbackOf(reader, id, mode, sourceField.isPresent() || archiveField.isPresent()));

        Target target = targets.find(targetName).orElseThrow(() -> reader.reject(ErrorCode.UNKNOWN_TARGET,
                "target " + targetName + " is not configured in this worker"));
        if (!target.restorable()) {
            throw reader.reject(ErrorCode.NOT_RESTORABLE, "target " + targetName + " is not restorable");
        }
        if (target.isProtected() && !confirm.filter(targetName::equals).isPresent()) {
            throw reader.reject(ErrorCode.CONFIRMATION_REQUIRED,
                    "target " + targetName + " is protected: confirm must equal its name");
        }
        if (rollbackOf.isPresent()) {
            return new RestoreCommand(commandId, targetName, targetName, null, requestedBy, reason,
                    new PostRestore(false, postRestore.backfill(), postRestore.flushCache()), null, RestoreMode.SWAP,
                    rollbackOf.get());
        }
        Manifest manifest = resolve(reader, source, archive);
        return new RestoreCommand(commandId, targetName, source, archive, requestedBy, reason, postRestore, manifest,
                mode.orElse(restoreConfig.mode()), null);
    }

    /** A rollback swaps a kept database back in: no archive, nothing but swap, and no migrations on it. */
    private static String rollbackOf(CommandReader reader, String id, Optional<RestoreMode> mode,
            boolean namesArchive) {
        String job = id.toLowerCase(java.util.Locale.ROOT);
        if (!SwapRestore.isJobReference(job)) {
            throw reader.invalid("rollbackOf must be the jobId of a swap restore or its first 8 hex digits");
        }
        if (namesArchive) {
            throw reader.invalid("a rollback restores no archive: leave out archive and sourceTarget");
        }
        if (mode.filter(m -> m != RestoreMode.SWAP).isPresent()) {
            throw reader.invalid("a rollback always swaps: mode must be \"swap\" or left out");
        }
        if (reader.optionalObject("postRestore").flatMap(n -> reader.optionalBoolean(n, "postRestore", "migrate"))
                .orElse(false)) {
            throw reader.invalid("a rollback brings back a database as it was: postRestore.migrate must be false");
        }
        return job;
    }

    private Manifest resolve(CommandReader reader, String source, String archive) {
        ArchiveKeys keys = store.keys();
        if (RestoreCommand.LATEST.equals(archive)) {
            return store.latestManifest(source).orElseThrow(() -> reader.reject(ErrorCode.ARCHIVE_NOT_FOUND,
                    "no complete archive of " + source + " exists"));
        }
        String prefix = keys.targetPrefix(source);
        boolean inside = archive.startsWith(prefix) && archive.endsWith(".dump")
                && archive.indexOf('/', prefix.length()) < 0 && !archive.contains("..") && !archive.contains("//");
        if (!inside) {
            throw reader.reject(ErrorCode.ARCHIVE_NOT_FOUND,
                    "archive must be \"latest\" or a key of a dump directly under " + prefix);
        }
        return store.manifest(archive).filter(m -> m.archiveKey().equals(archive))
                .orElseThrow(() -> reader.reject(ErrorCode.ARCHIVE_NOT_FOUND,
                        "archive " + archive + " does not exist or is incomplete (no manifest)"));
    }

    private PostRestore postRestore(CommandReader reader, JsonNode node) {
        PostRestore defaults = defaults();
        return new PostRestore(
                reader.optionalBoolean(node, "postRestore", "migrate").orElse(defaults.migrate()),
                reader.optionalBoolean(node, "postRestore", "backfill").orElse(defaults.backfill()),
                reader.optionalBoolean(node, "postRestore", "flushCache").orElse(defaults.flushCache()));
    }

    private PostRestore defaults() {
        return new PostRestore(restoreConfig.migrate(), restoreConfig.backfill(), restoreConfig.flushCache());
    }
}
