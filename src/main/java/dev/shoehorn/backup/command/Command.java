package dev.shoehorn.backup.command;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What every command carries, whatever its kind: the shared intake needs nothing more. */
public interface Command {

    UUID commandId();

    /** The database the command acts on, and the record's key. */
    String target();

    String requestedBy();

    /** Why, when the command says; may be null. */
    String reason();

    /** When the publisher made the command; required on a signed command, whose freshness it governs. */
    Optional<Instant> requestedAt();
}
