package dev.shoehorn.backup.restore;

import java.util.List;

import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.storage.ArchiveRef;

/** The data of {@code drill.passed} and {@code drill.failed} (schemas/events/drill.*.schema.json). */
public final class DrillEvents {

    private DrillEvents() {
    }

    /**
     * One check of a drill.
     *
     * @param status {@code passed}, {@code failed}, or {@code skipped} (nothing to check it against)
     */
    public record Check(String name, String status, String detail) {

        static final String PASSED = "passed";
        static final String FAILED = "failed";
        static final String SKIPPED = "skipped";

        boolean failed() {
            return FAILED.equals(status);
        }
    }

    /** Every check passed (or had nothing to check against). */
    public record Passed(ArchiveRef archive, String report, List<Check> checks, long restoreMs, long rtoMs,
            long durationMs) implements StageEvent {

        @Override
        public EventType type() {
            return EventType.DRILL_PASSED;
        }

        @Override
        public String logFields() {
            return " archive=" + archive.key() + " restoreMs=" + restoreMs + " rtoMs=" + rtoMs + " report=" + report;
        }
    }

    /** A check failed, or the drill could not run; {@code error} says which (DRILL_FAILED) or why. */
    public record Failed(ArchiveRef archive, String report, List<Check> checks, Long restoreMs, long rtoMs,
            long durationMs, ErrorInfo error) implements StageEvent {

        @Override
        public EventType type() {
            return EventType.DRILL_FAILED;
        }

        @Override
        public String logFields() {
            return " archive=" + (archive == null ? "-" : archive.key()) + " durationMs=" + durationMs
                    + error.logFields();
        }
    }
}
