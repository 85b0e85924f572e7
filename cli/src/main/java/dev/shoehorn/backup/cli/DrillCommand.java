package dev.shoehorn.backup.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.signing.SignedKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "drill", mixinStandardHelpOptions = true,
        description = { "Publish a restore drill: a worker restores the target's archive (the latest by default) into a",
                "throwaway database beside it, checks it (TOC tables, row counts, row-level security, probes, RTO) and",
                "drops it. The target is never touched and no reaction follows. --wait exits 0 when it passed, 1 when not." })
final class DrillCommand extends JobCommand {

    @Parameters(index = "0", paramLabel = "<target>", description = "Whose archive to drill.")
    String target;

    @Option(names = "--archive", paramLabel = "<key>|latest", description = "An archive key, or latest (default).")
    String archive;

    @Override
    ObjectNode command() {
        ObjectNode command = cli.mapper().createObjectNode().put("drill", true);
        if (archive != null) {
            command.put("archive", archive);
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
