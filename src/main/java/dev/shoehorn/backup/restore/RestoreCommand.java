package dev.shoehorn.backup.restore;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.shoehorn.backup.command.Command;
import dev.shoehorn.backup.storage.Manifest;

/**
 * A restore command whose fields are all checked. Once admitted, {@code manifest} is the complete
 * archive it resolved to ({@code latest} is resolved once, at acceptance), and {@code postRestore}
 * holds the steps that will follow, as the target's configuration allows them.
 */
public record RestoreCommand(UUID commandId, String target, String sourceTarget, String archive,
        String requestedBy, String reason, Optional<String> confirm, PostRestore.Requested postRestore,
        Optional<Instant> requestedAt, Manifest manifest, PostRestore steps) implements Command {

    public static final String LATEST = "latest";

    public RestoreCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sourceTarget, "sourceTarget");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(confirm, "confirm");
        Objects.requireNonNull(postRestore, "postRestore");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** The command as admitted: its archive resolved and its post-restore steps decided. */
    public RestoreCommand admitted(Manifest resolved, PostRestore decided) {
        return new RestoreCommand(commandId, target, sourceTarget, archive, requestedBy, reason, confirm, postRestore,
                requestedAt, Objects.requireNonNull(resolved), Objects.requireNonNull(decided));
    }
}
