package dev.shoehorn.backup.backup;

import java.time.Instant;
import java.util.List;

import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.storage.ArchiveRef;

/** The data of the backup events, one record per type (schemas/events/backup.*.schema.json). */
public final class BackupEvents {

    private BackupEvents() {
    }

    public record Accepted(String requestedBy, String reason) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKUP_ACCEPTED;
        }
    }

    /** A scheduled backup that catches up slots missed while no worker ran or the previous one still did. */
    public record CaughtUp(Instant slot, String expression, String zone, List<Instant> missed, long missedCount,
            String missedBecause) implements StageEvent {

        static CaughtUp of(ScheduledSlot slot) {
            return new CaughtUp(slot.slot(), slot.expression(), slot.zone(), slot.missed(), slot.missedCount(),
                    slot.missedBecause());
        }

        @Override
        public EventType type() {
            return EventType.SCHEDULE_CAUGHT_UP;
        }

        @Override
        public String logFields() {
            return " slot=" + slot + " missed=" + missedCount + " because=" + missedBecause;
        }
    }

    public record Started(long bytesDone, long bytesTotal, int percent) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKUP_STARTED;
        }
    }

    public record Progress(long bytesDone, long bytesTotal, int percent) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKUP_PROGRESS;
        }

        @Override
        public String logFields() {
            return " bytes=" + bytesDone + " percent=" + percent;
        }
    }

    public record Uploaded(long bytesDone, long bytesTotal, int percent, ArchiveRef archive) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKUP_UPLOADED;
        }

        @Override
        public String logFields() {
            return " archive=" + archive.key() + " bytes=" + archive.bytes();
        }
    }

    public record Completed(ArchiveRef archive, long durationMs) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKUP_COMPLETED;
        }

        @Override
        public String logFields() {
            return " archive=" + archive.key() + " bytes=" + archive.bytes() + " durationMs=" + durationMs;
        }
    }

    public record Failed(ErrorInfo error, long durationMs) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKUP_FAILED;
        }

        @Override
        public String logFields() {
            return " durationMs=" + durationMs + error.logFields();
        }
    }
}
