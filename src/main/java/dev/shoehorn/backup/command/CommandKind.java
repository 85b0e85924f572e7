package dev.shoehorn.backup.command;

import java.time.Duration;

import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.storage.CommandRecord;

/**
 * What the shared intake and job template need to know of one kind of command (backup, restore);
 * each feature implements it beside its own {@code @Incoming} edge.
 */
public interface CommandKind<C extends Command> {

    /** {@code backup} or {@code restore}: in metrics and idempotency keys. */
    String name();

    /** What a signature on this kind's topic must have been made for. */
    SignedKind signedKind();

    /** Reads the record's fields. @throws RejectedException when they are not a command of this kind */
    C read(byte[] value);

    /**
     * The kind's own guard rails, checked once the command is known to be fresh, authorised and
     * for a configured target; may resolve what the command names (a restore's archive).
     *
     * @throws RejectedException when the command may not run
     */
    C admit(C command);

    /**
     * The archive the command's job reads, known once it is admitted (a restore's); its record names it
     * from the claim on, so that retention keeps the archive while the job runs. Null when none.
     */
    default String archiveRead(C command) {
        return null;
    }

    /** Commands older than this are refused with EXPIRED. */
    Duration maxAge();

    StageEvent accepted(C command);

    StageEvent rejected(Failure failure);

    /** The event of a delivery whose command already ended, naming the job that ended it and how. */
    StageEvent skipped(CommandRecord earlier);

    /**
     * @param jobId the job that failed
     * @param targetChanged whether the target was changed before the failure (restores only)
     */
    StageEvent failed(C command, String jobId, Failure failure, long durationMs, boolean targetChanged);

    /**
     * The work, under the target's lock and a job slot, attempt after attempt. Emits every stage
     * event up to and including its own completed event, and returns the archive it made or used.
     * {@code earlier} is the record an earlier, unfinished job of the same command left, if any.
     */
    String work(C command, CommandJob job);
}
