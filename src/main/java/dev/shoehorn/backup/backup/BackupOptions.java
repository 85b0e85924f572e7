package dev.shoehorn.backup.backup;

import java.util.Optional;

import dev.shoehorn.backup.codec.Compression;

/**
 * {@code options} of a backup command: pg_dump's custom format in one job, and a compression
 * that overrides the target's ({@code dump.compression}).
 */
public record BackupOptions(String format, int jobs, Optional<Compression> compression) {

    public static final BackupOptions DEFAULT = new BackupOptions("custom", 1, Optional.empty());
}
