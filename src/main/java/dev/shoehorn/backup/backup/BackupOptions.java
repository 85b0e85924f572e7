package dev.shoehorn.backup.backup;

/** {@code options} of a backup command. Only the custom format with one job is supported in v1. */
public record BackupOptions(String format, int jobs) {

    public static final BackupOptions DEFAULT = new BackupOptions("custom", 1);
}
