package dev.shoehorn.backup.reaction;

import java.util.List;

import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;

/**
 * The data of the reactions' events, one record per type (schemas/events/backfill.*, cache.*).
 * Every one names the restore job it reacts to.
 */
public final class ReactionEvents {

    private ReactionEvents() {
    }

    public record BackfillRequested(String restoreJobId, String startedAt, List<String> collections)
            implements StageEvent {
        public BackfillRequested {
            collections = collections == null ? null : List.copyOf(collections);
        }

        @Override
        public EventType type() {
            return EventType.BACKFILL_REQUESTED;
        }

        @Override
        public String logFields() {
            return " restoreJob=" + restoreJobId;
        }
    }

    public record BackfillCompleted(String restoreJobId, long durationMs) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKFILL_COMPLETED;
        }

        @Override
        public String logFields() {
            return " restoreJob=" + restoreJobId + " durationMs=" + durationMs;
        }
    }

    public record BackfillFailed(String restoreJobId, ErrorInfo error, long durationMs) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.BACKFILL_FAILED;
        }

        @Override
        public String logFields() {
            return " restoreJob=" + restoreJobId + " durationMs=" + durationMs + error.logFields();
        }
    }

    public record CacheFlushed(String restoreJobId, String mode, long keysRemoved, long durationMs)
            implements StageEvent {
        @Override
        public EventType type() {
            return EventType.CACHE_FLUSHED;
        }

        @Override
        public String logFields() {
            return " restoreJob=" + restoreJobId + " mode=" + mode + " keysRemoved=" + keysRemoved;
        }
    }

    public record CacheFlushFailed(String restoreJobId, String mode, ErrorInfo error, long durationMs)
            implements StageEvent {
        @Override
        public EventType type() {
            return EventType.CACHE_FLUSH_FAILED;
        }

        @Override
        public String logFields() {
            return " restoreJob=" + restoreJobId + " mode=" + mode + error.logFields();
        }
    }
}
