package dev.shoehorn.backup.reaction;

import java.util.Objects;

import dev.shoehorn.backup.restore.PostRestore;

/** What the reactions need of a {@code dev.shoehorn.restore.completed} event. */
public record RestoreCompleted(String restoreJobId, String commandId, String target, PostRestore postRestore) {

    public RestoreCompleted {
        Objects.requireNonNull(restoreJobId, "restoreJobId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(postRestore, "postRestore");
    }
}
