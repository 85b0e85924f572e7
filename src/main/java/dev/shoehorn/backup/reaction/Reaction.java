package dev.shoehorn.backup.reaction;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.shoehorn.backup.tracing.Stage;

/** Something done after a restore, in a consumer group of its own on the progress topic. */
public interface Reaction {

    /** Name in logs, in the job id and in the storage key of its records ({@code backfill}, {@code cache-flush}). */
    String name();

    /** The reaction's step in a trace. */
    Stage stage();

    /** Whether this restore asked for the reaction. */
    boolean wants(RestoreCompleted restore);

    /**
     * Reacts to one restore; returns when the reaction has ended (its final event is out) or was
     * found done already. Blocks; interrupted when the worker stops, leaving the record unacknowledged.
     */
    void react(RestoreCompleted restore) throws InterruptedException;

    /**
     * The reaction's job id for a restore job: a name-based UUID, so that every delivery of the same
     * restore.completed, in whatever process, names the same reaction job.
     */
    static String jobId(String reaction, String restoreJobId) {
        return UUID.nameUUIDFromBytes((reaction + ":" + restoreJobId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
