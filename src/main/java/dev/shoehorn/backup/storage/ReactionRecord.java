package dev.shoehorn.backup.storage;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a post-restore reaction has done for one restore job, kept in object storage so that it
 * outlives worker restarts and is shared by every replica: a redelivered {@code restore.completed}
 * finds it and does not act twice. {@code lastSeq} and {@code attempt} let a resumed reaction
 * continue its job's event sequence without gaps.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReactionRecord(
        String reaction,
        String restoreJobId,
        String jobId,
        String commandId,
        String target,
        State state,
        long lastSeq,
        int attempt,
        Instant claimedAt,
        Instant updatedAt,
        Instant requestedAt,
        String startedAt,
        List<String> collections) {

    /** Where a reaction stands; {@link #isFinal()} ones are never acted on again. */
    public enum State {
        /** Written before a side effect whose outcome a crash could hide (the backfill POST). */
        CLAIMED,
        /** The backfill was accepted; its status is being polled. */
        REQUESTED,
        COMPLETED,
        FAILED;

        public boolean isFinal() {
            return this == COMPLETED || this == FAILED;
        }
    }

    public ReactionRecord {
        collections = collections == null ? null : List.copyOf(collections);
    }

    /** A new record of {@code reaction} to a restore job. */
    public static ReactionRecord of(String reaction, String restoreJobId, String jobId, String commandId,
            String target, State state, long lastSeq, int attempt, Instant now) {
        return new ReactionRecord(reaction, restoreJobId, jobId, commandId, target, state, lastSeq, attempt, now, now,
                null, null, null);
    }

    /** This record moved to {@code next}, after the job's events up to {@code seq}. */
    public ReactionRecord moved(State next, long seq, int attemptNow, Instant now) {
        return new ReactionRecord(reaction, restoreJobId, jobId, commandId, target, next, seq, attemptNow, claimedAt,
                now, requestedAt, startedAt, collections);
    }

    /** This record after the search API accepted the backfill. */
    public ReactionRecord requested(long seq, int attemptNow, Instant at, String started, List<String> names) {
        return new ReactionRecord(reaction, restoreJobId, jobId, commandId, target, State.REQUESTED, seq, attemptNow,
                claimedAt, at, at, started, names);
    }
}
