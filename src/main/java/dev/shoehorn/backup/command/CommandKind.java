package dev.shoehorn.backup.command;

import java.util.Optional;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.JobOutcome;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.storage.CommandRecord;

/** What the shared {@link CommandIntake} needs to know of one kind of command (backup, restore). */
public interface CommandKind<C> {

    EventType acceptedType();

    EventType rejectedType();

    EventType skippedType();

    /** @throws RejectedException when the record is not a valid command of this kind */
    C parse(byte[] record);

    String commandId(C command);

    String target(C command);

    /** What the accepted event says about the command. */
    Details acceptedDetails(C command);

    /** The record of an earlier completed run of this command, when storage can tell now. */
    Optional<CommandRecord> completedRun(C command);

    /** Runs the job to its end, terminal event included. */
    JobOutcome run(C command, JobEvents events, Cancellation cancellation);
}
