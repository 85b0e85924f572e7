package dev.shoehorn.backup.backup;

/**
 * Fired (a CDI event) when a backup's manifest is written: what reacts inside the worker, such as
 * retention, learns of it without the backup path knowing who listens.
 */
public record BackupCompleted(String target, String archiveKey) {
}
