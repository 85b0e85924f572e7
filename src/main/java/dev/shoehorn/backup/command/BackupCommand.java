package dev.shoehorn.backup.command;

import java.util.Objects;
import java.util.UUID;

/** A validated backup command: every field checked, the target known to exist. */
public record BackupCommand(UUID commandId, String target, String requestedBy, String reason, BackupOptions options) {

    public BackupCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(options, "options");
    }
}
