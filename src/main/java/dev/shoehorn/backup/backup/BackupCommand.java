package dev.shoehorn.backup.backup;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.shoehorn.backup.command.Command;

/** A backup command whose fields are all checked. */
public record BackupCommand(UUID commandId, String target, String requestedBy, String reason, BackupOptions options,
        Optional<Instant> requestedAt, Optional<ScheduledSlot> schedule) implements Command {

    public BackupCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(schedule, "schedule");
    }
}
