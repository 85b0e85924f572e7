package dev.shoehorn.backup.overdue;

import java.time.Instant;

import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;

/** The data of {@code backup.overdue} and {@code backup.overdue-cleared} (schemas/events/backup.overdue*.schema.json). */
public final class OverdueEvents {

    private OverdueEvents() {
    }

    /**
     * No completed backup within the window: raised once per breach, a breach being the time since one
     * last good backup (or since the target was first watched, when it has none).
     */
    public record Overdue(Instant lastSuccessAt, String lastArchive, long windowSeconds, Instant overdueAt,
            String schedule) implements StageEvent {

        @Override
        public EventType type() {
            return EventType.BACKUP_OVERDUE;
        }

        @Override
        public String logFields() {
            return " lastSuccessAt=" + lastSuccessAt + " overdueAt=" + overdueAt + " windowSeconds=" + windowSeconds;
        }
    }

    /** A completed backup ended the breach. */
    public record OverdueCleared(Instant overdueAt, Instant lastSuccessAt, String lastArchive, long overdueForSeconds)
            implements StageEvent {

        @Override
        public EventType type() {
            return EventType.BACKUP_OVERDUE_CLEARED;
        }

        @Override
        public String logFields() {
            return " lastArchive=" + lastArchive + " overdueForSeconds=" + overdueForSeconds;
        }
    }
}
