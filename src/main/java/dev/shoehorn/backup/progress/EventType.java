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
    BACKUP_FAILED("dev.shoehorn.backup.failed");

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
}
