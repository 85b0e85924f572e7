package dev.shoehorn.backup.storage;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.shoehorn.backup.failure.Failure;

/**
 * The idempotency record of one command, (kind, target, commandId), kept in object storage beside
 * the archives so that it outlives worker restarts and is shared by every replica. A job claims
 * it before its work and finishes it after its terminal event; every terminal outcome, failures
 * included, is recorded. {@code archiveKey} is the archive a backup writes (noted before its commit
 * point) or a restore reads (named from its claim on, so that retention keeps it while the job runs).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandRecord(
        String kind,
        String target,
        String commandId,
        String jobId,
        State state,
        String archiveKey,
        String keptDatabase,
        String errorCode,
        String errorMessage,
        Instant claimedAt,
        Instant updatedAt) {

    /** Where a command stands. */
    public enum State {
        /** A job works on it; if that job died, a redelivery finds out how far it got. */
        CLAIMED,
        /** A restore's archive is applied to the target; the remaining steps resume on a redelivery. */
        APPLIED,
        COMPLETED,
        FAILED;

        public boolean isFinal() {
            return this == COMPLETED || this == FAILED;
        }
    }

    public static CommandRecord claim(String kind, String target, String commandId, String jobId, Instant now) {
        return new CommandRecord(kind, target, commandId, jobId, State.CLAIMED, null, null, null, null, now, now);
    }

    /** This record taken over by job {@code newJobId}, keeping how far the command got. */
    public CommandRecord takenOverBy(String newJobId, Instant now) {
        return new CommandRecord(kind, target, commandId, newJobId, state, archiveKey, keptDatabase, errorCode,
                errorMessage, now, now);
    }

    public CommandRecord withArchive(String key, Instant now) {
        return new CommandRecord(kind, target, commandId, jobId, state, key, keptDatabase, errorCode, errorMessage,
                claimedAt, now);
    }

    public CommandRecord moved(State next, Instant now) {
        return new CommandRecord(kind, target, commandId, jobId, next, archiveKey, keptDatabase, null, null, claimedAt,
                now);
    }

    /** A restore applied by a swap: the target's former database is kept under {@code kept}. */
    public CommandRecord applied(String kept, Instant now) {
        return new CommandRecord(kind, target, commandId, jobId, State.APPLIED, archiveKey, kept, null, null,
                claimedAt, now);
    }

    /** The job failed: a final FAILED record, or, for a restore already applied, APPLIED with the failure noted. */
    public CommandRecord failed(Failure failure, boolean resumable, Instant now) {
        return new CommandRecord(kind, target, commandId, jobId, resumable ? State.APPLIED : State.FAILED, archiveKey,
                keptDatabase, failure.code().name(), failure.message(), claimedAt, now);
    }
}
