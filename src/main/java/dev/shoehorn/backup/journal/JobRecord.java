package dev.shoehorn.backup.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A job as its events tell it: who asked for what and why, its stages and their times, how it ended,
 * its archive and its error. Built by {@link JobFolder}; what the events did not say is null.
 *
 * @param jobId the job
 * @param kind {@code backup}, {@code restore}, {@code backfill}, {@code cache}, …
 * @param target the target named by the events
 * @param commandId the command the job ran (a reaction's is its restore's)
 * @param requestedBy who asked, from {@code accepted}
 * @param reason why, from {@code accepted}
 * @param sourceTarget whose archive a restore used
 * @param restoreJobId the restore a reaction followed
 * @param worker the {@code source} of the job's latest event
 * @param outcome how the job ended, or {@link Outcome#RUNNING}
 * @param stage the latest stage ({@code accepted}, {@code started}, …)
 * @param stages every stage but {@code progress}, in order, with the time it began
 * @param firstAt time of the first event seen
 * @param lastAt time of the latest event seen
 * @param progress the latest byte counts, or null before the first
 * @param archive the archive written or restored, or null
 * @param error the error of a failed or rejected job, or null
 * @param originalJobId for a skipped duplicate: the job that ran the command
 * @param originalOutcome for a skipped duplicate: how that job ended
 * @param targetChanged for a failed restore: whether the target was changed
 * @param complete whether the events seen start at {@code seq} 1 and have no gap: false when the
 *        journal read began mid-job or lost events
 */
public record JobRecord(
        String jobId,
        String kind,
        String target,
        String commandId,
        String requestedBy,
        String reason,
        String sourceTarget,
        String restoreJobId,
        String worker,
        Outcome outcome,
        String stage,
        List<Stage> stages,
        Instant firstAt,
        Instant lastAt,
        Progress progress,
        Archive archive,
        Error error,
        String originalJobId,
        String originalOutcome,
        Boolean targetChanged,
        boolean complete) {

    /** How a job ended. */
    public enum Outcome {
        RUNNING,
        COMPLETED,
        FAILED,
        REJECTED,
        SKIPPED;

        public boolean ended() {
            return this != RUNNING;
        }
    }

    /** A stage and when it began; {@code durationMs} lasts until the next stage, or is null for the latest. */
    public record Stage(String name, Instant at, Long durationMs) {
    }

    /** Byte counts of the latest {@code started}, {@code progress} or {@code uploaded} event. */
    public record Progress(long bytesDone, long bytesTotal, int percent, Instant at) {
    }

    public record Archive(String key, Long bytes, String sha256, String format) {
    }

    public record Error(String code, String message, Boolean retryable) {
    }

    /** From the first event seen to the latest. */
    @JsonIgnore
    public Duration duration() {
        return Duration.between(firstAt, lastAt);
    }

    @JsonIgnore
    public boolean isReaction() {
        return restoreJobId != null;
    }
}
