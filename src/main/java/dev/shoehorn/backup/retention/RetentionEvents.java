package dev.shoehorn.backup.retention;

import java.util.List;

import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;

/** The data of {@code retention.pruned} (schemas/events/retention.pruned.schema.json). */
public final class RetentionEvents {

    /** Most entries each list of an event carries; the counts cover the rest. */
    static final int MAX_LISTED = 500;

    private RetentionEvents() {
    }

    /** The target's rules as applied. */
    public record Rules(int keepLast, long maxAgeSeconds, int keepDaily, int keepWeekly, int keepMonthly) {

        static Rules of(RetentionRules rules) {
            return new Rules(rules.keepLast(), rules.maxAge().toSeconds(), rules.keepDaily(), rules.keepWeekly(),
                    rules.keepMonthly());
        }
    }

    /** One run over one target: what was deleted and why, what was kept and why, what failed. */
    public record Pruned(String trigger, Rules rules, List<Pruner.Item> deleted, int deletedCount,
            List<Pruner.Item> kept, int keptCount, List<Pruner.FailedItem> failed, int failedCount, int recordsDeleted,
            long durationMs)
            implements StageEvent {

        @Override
        public EventType type() {
            return EventType.RETENTION_PRUNED;
        }

        @Override
        public String logFields() {
            return " trigger=" + trigger + " deleted=" + deletedCount + " kept=" + keptCount + " failed=" + failedCount
                    + " recordsDeleted=" + recordsDeleted + " durationMs=" + durationMs;
        }
    }
}
