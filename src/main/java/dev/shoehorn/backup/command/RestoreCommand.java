package dev.shoehorn.backup.command;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.shoehorn.backup.progress.PostRestore;
import dev.shoehorn.backup.storage.Manifest;

/**
 * A validated restore command: the target may be restored into, the confirmation matches, and
 * {@code manifest} is the complete archive the command resolved to when it was accepted.
 * {@code requestedAt} is the sender's time of asking (null when absent); a signed command always has it.
 */
public record RestoreCommand(UUID commandId, String target, String sourceTarget, String archive,
        String requestedBy, String reason, PostRestore postRestore, Manifest manifest, Instant requestedAt) {

    public static final String LATEST = "latest";

    public RestoreCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sourceTarget, "sourceTarget");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(postRestore, "postRestore");
        Objects.requireNonNull(manifest, "manifest");
    }
}
