package dev.shoehorn.backup.command;

import java.util.Objects;
import java.util.UUID;

import dev.shoehorn.backup.progress.PostRestore;
import dev.shoehorn.backup.restore.RestoreMode;
import dev.shoehorn.backup.storage.Manifest;

/**
 * A validated restore command: the target may be restored into, the confirmation matches, and
 * {@code manifest} is the complete archive the command resolved to when it was accepted. A
 * rollback ({@code rollbackOf}, the job whose swap it undoes) restores no archive: its
 * {@code archive} and {@code manifest} are null, and its mode is always swap.
 */
public record RestoreCommand(UUID commandId, String target, String sourceTarget, String archive,
        String requestedBy, String reason, PostRestore postRestore, Manifest manifest, RestoreMode mode,
        String rollbackOf) {

    public static final String LATEST = "latest";

    public RestoreCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sourceTarget, "sourceTarget");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(postRestore, "postRestore");
        Objects.requireNonNull(mode, "mode");
        if (rollbackOf == null) {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(manifest, "manifest");
        } else if (archive != null || manifest != null || mode != RestoreMode.SWAP) {
            throw new IllegalArgumentException("a rollback restores no archive and always swaps");
        }
    }

    public boolean isRollback() {
        return rollbackOf != null;
    }
}
