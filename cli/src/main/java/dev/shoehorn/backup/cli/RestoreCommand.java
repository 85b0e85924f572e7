package dev.shoehorn.backup.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.signing.SignedKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = { "Publish a restore command: an archive (the newest complete one by default) into a target.",
                "Steps after the restore (migrations, search backfill, cache flush) default to the target's configuration." })
final class RestoreCommand extends JobCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<target>", description = "The database restored into; it must be restorable.")
    String target;

    @Option(names = "--from", paramLabel = "<source>", description = "Whose archives to use (default: the target's own).")
    String source;

    @Option(names = "--archive", paramLabel = "<key>|latest", description = "An archive key, or latest (default).")
    String archive;

    @Option(names = "--confirm", paramLabel = "<target>", description = "The target's name again: required for a protected target.")
    String confirm;

    @Option(names = "--mode", paramLabel = "swap|single-transaction",
            description = "How to restore (default: the target's configuration).")
    String mode;

    @Option(names = "--rollback-of", paramLabel = "<jobId>",
            description = "Swap back the database a swap restore replaced (its jobId or first 8 hex digits).")
    String rollbackOf;

    @Option(names = "--migrate", description = "Run the migrations after the restore.")
    boolean migrate;

    @Option(names = "--no-backfill", description = "Do not ask for a search backfill after the restore.")
    boolean noBackfill;

    @Option(names = "--no-flush", description = "Do not flush the cache after the restore.")
    boolean noFlush;

    @Override
    void validate() {
        if (mode != null && !mode.equals("swap") && !mode.equals("single-transaction")) {
            throw new ParameterException(spec.commandLine(), "--mode must be swap or single-transaction");
        }
        if (rollbackOf != null && (source != null || archive != null)) {
            throw new ParameterException(spec.commandLine(), "--rollback-of restores no archive: leave out --from and --archive");
        }
    }

    @Override
    ObjectNode command() {
        ObjectNode command = cli.mapper().createObjectNode();
        if (source != null) {
            command.put("sourceTarget", source);
        }
        if (archive != null) {
            command.put("archive", archive);
        }
        if (confirm != null) {
            command.put("confirm", confirm);
        }
        if (mode != null) {
            command.put("mode", mode);
        }
        if (rollbackOf != null) {
            command.put("rollbackOf", rollbackOf);
        }
        if (migrate || noBackfill || noFlush) {
            ObjectNode steps = command.putObject("postRestore");
            if (migrate) {
                steps.put("migrate", true);
            }
            if (noBackfill) {
                steps.put("backfill", false);
            }
            if (noFlush) {
                steps.put("flushCache", false);
            }
        }
        return command;
    }

    @Override
    SignedKind kind() {
        return SignedKind.RESTORE;
    }

    @Override
    String topic(CliSettings settings) {
        return settings.restoreCommandsTopic();
    }

    @Override
    String target() {
        return target;
    }
}
