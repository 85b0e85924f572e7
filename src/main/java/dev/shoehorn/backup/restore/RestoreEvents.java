package dev.shoehorn.backup.restore;

import java.util.List;

import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.storage.ArchiveRef;

/** The data of the restore events, one record per type (schemas/events/restore.*.schema.json). */
public final class RestoreEvents {

    private RestoreEvents() {
    }

    /** A restore of an archive names its source and archive; a rollback, the job it undoes instead. */
    /** {@code drill} is true for a drill's job (and left out otherwise). */
    public record Accepted(String requestedBy, String reason, String sourceTarget, ArchiveRef archive,
            PostRestore postRestore, String mode, String rollbackOf, Boolean drill) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_ACCEPTED;
        }

        @Override
        public String logFields() {
            // a drill whose archive does not exist is accepted without one, to end drill.failed
            return " mode=" + mode + (rollbackOf != null ? " rollbackOf=" + rollbackOf
                    : " source=" + sourceTarget + " archive=" + (archive == null ? "-" : archive.key()));
        }
    }

    public record Started(String sourceTarget, ArchiveRef archive, long bytesDone, long bytesTotal, int percent)
            implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_STARTED;
        }
    }

    public record Progress(long bytesDone, long bytesTotal, int percent) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_PROGRESS;
        }

        @Override
        public String logFields() {
            return " bytes=" + bytesDone + " percent=" + percent;
        }
    }

    public record Verified(ArchiveRef archive, long bytesDone, long bytesTotal, int percent) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_VERIFIED;
        }
    }

    public record Applied(ArchiveRef archive, String mode, long durationMs) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_APPLIED;
        }

        @Override
        public String logFields() {
            return " archive=" + archive.key() + " durationMs=" + durationMs;
        }
    }

    public record Migrated() implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_MIGRATED;
        }
    }

    public record RlsVerified(List<String> rlsTables) implements StageEvent {
        public RlsVerified {
            rlsTables = List.copyOf(rlsTables);
        }

        @Override
        public EventType type() {
            return EventType.RESTORE_RLS_VERIFIED;
        }
    }

    /** {@code keptDatabase}: the database the target was until a swap, kept for a rollback. */
    public record Completed(String sourceTarget, ArchiveRef archive, PostRestore postRestore, String mode,
            String keptDatabase, String rollbackOf, long durationMs) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_COMPLETED;
        }

        @Override
        public String logFields() {
            return " mode=" + mode + (archive == null ? "" : " archive=" + archive.key())
                    + (keptDatabase == null ? "" : " kept=" + keptDatabase) + " durationMs=" + durationMs;
        }
    }

    public record Failed(ErrorInfo error, String mode, long durationMs, boolean targetChanged) implements StageEvent {
        @Override
        public EventType type() {
            return EventType.RESTORE_FAILED;
        }

        @Override
        public String logFields() {
            return " durationMs=" + durationMs + " targetChanged=" + targetChanged + error.logFields();
        }
    }
}
