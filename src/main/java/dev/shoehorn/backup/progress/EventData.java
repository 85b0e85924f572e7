package dev.shoehorn.backup.progress;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * {@code data} of every event: the job it belongs to and its place in the job's sequence
 * ({@code seq} 1, 2, 3… without gaps), then what the stage adds. {@code commandId} and
 * {@code target} are absent only on a rejection of a record that did not carry them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventData(
        String jobId,
        String commandId,
        String target,
        long seq,
        int attempt,
        @JsonUnwrapped Details details) {
}
