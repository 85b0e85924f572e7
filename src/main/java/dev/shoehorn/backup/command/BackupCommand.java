package dev.shoehorn.backup.command;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A validated backup command: every field checked, the target known to exist. {@code requestedAt}
 * is the sender's time of asking (null when absent); a signed command always has it.
 */
public record BackupCommand(UUID commandId, String target, String requestedBy, String reason, BackupOptions options,
        Instant requestedAt) {

    public BackupCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(options, "options");
    }
}
