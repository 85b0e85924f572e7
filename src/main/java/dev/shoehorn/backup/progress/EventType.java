package dev.shoehorn.backup.progress;

/** CloudEvents {@code type} values of the contract. */
public enum EventType {
    BACKUP_ACCEPTED("dev.shoehorn.backup.accepted"),
    BACKUP_REJECTED("dev.shoehorn.backup.rejected"),
    BACKUP_SKIPPED("dev.shoehorn.backup.skipped"),
    BACKUP_STARTED("dev.shoehorn.backup.started"),
    BACKUP_PROGRESS("dev.shoehorn.backup.progress"),
    BACKUP_UPLOADED("dev.shoehorn.backup.uploaded"),
    BACKUP_COMPLETED("dev.shoehorn.backup.completed"),
    BACKUP_FAILED("dev.shoehorn.backup.failed"),
    RESTORE_ACCEPTED("dev.shoehorn.restore.accepted"),
    RESTORE_REJECTED("dev.shoehorn.restore.rejected"),
    RESTORE_SKIPPED("dev.shoehorn.restore.skipped"),
    RESTORE_STARTED("dev.shoehorn.restore.started"),
    RESTORE_PROGRESS("dev.shoehorn.restore.progress"),
    RESTORE_VERIFIED("dev.shoehorn.restore.verified"),
    RESTORE_APPLIED("dev.shoehorn.restore.applied"),
    RESTORE_MIGRATED("dev.shoehorn.restore.migrated"),
    RESTORE_RLS_VERIFIED("dev.shoehorn.restore.rls-verified"),
    RESTORE_COMPLETED("dev.shoehorn.restore.completed"),
    RESTORE_FAILED("dev.shoehorn.restore.failed"),
    BACKFILL_REQUESTED("dev.shoehorn.backfill.requested"),
    BACKFILL_COMPLETED("dev.shoehorn.backfill.completed"),
    BACKFILL_FAILED("dev.shoehorn.backfill.failed"),
    CACHE_FLUSHED("dev.shoehorn.cache.flushed"),
    CACHE_FLUSH_FAILED("dev.shoehorn.cache.flush-failed"),
    SCHEDULE_CAUGHT_UP("dev.shoehorn.schedule.caught-up"),
    RETENTION_PRUNED("dev.shoehorn.retention.pruned"),
    BACKUP_OVERDUE("dev.shoehorn.backup.overdue"),
    BACKUP_OVERDUE_CLEARED("dev.shoehorn.backup.overdue-cleared"),
    DRILL_PASSED("dev.shoehorn.drill.passed"),
    DRILL_FAILED("dev.shoehorn.drill.failed");

    private final String type;

    EventType(String type) {
        this.type = type;
    }

    public String type() {
        return type;
    }

    /** The last segment ({@code started}), used as the {@code stage} of log lines. */
    public String stage() {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** Frequent byte-count events, logged at debug level only. */
    public boolean isProgress() {
        return this == BACKUP_PROGRESS || this == RESTORE_PROGRESS;
    }
}
