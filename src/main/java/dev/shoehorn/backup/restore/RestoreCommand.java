package dev.shoehorn.backup.restore;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.shoehorn.backup.command.Command;
import dev.shoehorn.backup.storage.Manifest;

/**
 * A restore command whose fields are all checked. Once admitted, {@code manifest} is the complete
 * archive it resolved to ({@code latest} is resolved once, at acceptance), {@code steps} the
 * post-restore steps that will follow, as the target's configuration allows them, and
 * {@code mode} how it writes. A rollback ({@code rollbackOf}: the job, or its first 8 hex digits,
 * whose swap it undoes) restores no archive: its {@code archive} and {@code manifest} are null,
 * and it always swaps. A drill ({@code drill: true}) restores the target's archive into a throwaway
 * database beside it, checks it and drops it: the target itself is never touched, and no reaction
 * follows. A drill whose archive does not exist is admitted without a {@code manifest}, so that its
 * job ends {@code drill.failed} rather than the command being refused.
 */
public record RestoreCommand(UUID commandId, String target, String sourceTarget, String archive,
        String requestedBy, String reason, Optional<String> confirm, PostRestore.Requested postRestore,
        Optional<Instant> requestedAt, Optional<RestoreMode> askedMode, Optional<String> rollbackOf, boolean drill,
        Manifest manifest, PostRestore steps, RestoreMode mode) implements Command {

    public static final String LATEST = "latest";

    public RestoreCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sourceTarget, "sourceTarget");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(confirm, "confirm");
        Objects.requireNonNull(postRestore, "postRestore");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(askedMode, "askedMode");
        Objects.requireNonNull(rollbackOf, "rollbackOf");
        if (rollbackOf.isEmpty()) {
            Objects.requireNonNull(archive, "archive");
        } else if (archive != null || manifest != null) {
            throw new IllegalArgumentException("a rollback restores no archive");
        }
    }

    public boolean isRollback() {
        return rollbackOf.isPresent();
    }

    /** The command as admitted: its archive resolved (none for a rollback), its steps and mode decided. */
    public RestoreCommand admitted(Manifest resolved, PostRestore decided, RestoreMode decidedMode) {
        return new RestoreCommand(commandId, target, sourceTarget, archive, requestedBy, reason, confirm, postRestore,
                requestedAt, askedMode, rollbackOf, drill, resolved, Objects.requireNonNull(decided),
                Objects.requireNonNull(decidedMode));
    }
}
