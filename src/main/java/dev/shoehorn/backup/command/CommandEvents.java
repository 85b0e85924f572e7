package dev.shoehorn.backup.command;

import com.fasterxml.jackson.annotation.JsonIgnore;

import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.storage.CommandRecord;

/** The events the shared intake emits for every kind of command (schemas/events/*.rejected, *.skipped). */
public final class CommandEvents {

    private CommandEvents() {
    }

    /** The command record was refused; the only event of its job. */
    public record Rejected(@JsonIgnore EventType type, ErrorInfo error) implements StageEvent {
        @Override
        public String logFields() {
            return error.logFields();
        }
    }

    /** The command already ended: {@code originalJobId} ended it, with {@code originalOutcome}. */
    public record Skipped(@JsonIgnore EventType type, String originalJobId, String originalOutcome)
            implements StageEvent {

        public static Skipped of(EventType type, CommandRecord earlier) {
            return new Skipped(type, earlier.jobId(), earlier.state().name());
        }

        @Override
        public String logFields() {
            return " originalJob=" + originalJobId + " originalOutcome=" + originalOutcome;
        }
    }
}
