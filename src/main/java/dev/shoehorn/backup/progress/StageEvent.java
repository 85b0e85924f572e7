package dev.shoehorn.backup.progress;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What one stage adds to the data every event has (jobId, commandId, target, seq, attempt). Each
 * event type has a record of its own, mirroring {@code schemas/events/<type>.schema.json}; its
 * components become fields of {@code data}, and absent (null) ones are left out.
 */
public interface StageEvent {

    @JsonIgnore
    EventType type();

    /** {@code key=value} pairs for the job's log line, each with a leading space; never payloads or secrets. */
    default String logFields() {
        return "";
    }
}
