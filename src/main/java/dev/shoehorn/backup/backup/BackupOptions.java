package dev.shoehorn.backup.backup;

import java.util.Optional;

import dev.shoehorn.backup.codec.Compression;

/**
 * {@code options} of a backup command, each overriding the target's {@code dump.*}: pg_dump's
 * format ({@code custom} or {@code directory}), its parallel jobs (directory format only) and the
 * compression.
 */
public record BackupOptions(Optional<String> format, Optional<Integer> jobs, Optional<Compression> compression) {

    public static final String CUSTOM = "custom";
    public static final String DIRECTORY = "directory";
    /** More jobs than this would only queue on the server's connections. */
    public static final int MAX_JOBS = 16;

    public static final BackupOptions DEFAULT = new BackupOptions(Optional.empty(), Optional.empty(), Optional.empty());
}
