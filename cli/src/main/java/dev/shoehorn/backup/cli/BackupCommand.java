package dev.shoehorn.backup.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.signing.SignedKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Publish a backup command for a target (a fresh commandId; signed when a key is configured).")
final class BackupCommand extends JobCommand {

    @Parameters(index = "0", paramLabel = "<target>", description = "The target to back up, as configured on the workers.")
    String target;

    @Override
    ObjectNode command() {
        return cli.mapper().createObjectNode();
    }

    @Override
    SignedKind kind() {
        return SignedKind.BACKUP;
    }

    @Override
    String topic(CliSettings settings) {
        return settings.backupCommandsTopic();
    }

    @Override
    String target() {
        return target;
    }
}
