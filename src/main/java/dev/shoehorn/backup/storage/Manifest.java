package dev.shoehorn.backup.storage;

import java.time.Instant;
import java.util.List;

/**
 * Written beside an archive, last: the commit point. An archive without a manifest is
 * incomplete and is never restored, listed as good or counted by retention.
 */
public record Manifest(
        int manifestVersion,
        String archiveKey,
        String target,
        String commandId,
        String jobId,
        String format,
        long bytes,
        String sha256,
        String pgDumpVersion,
        String serverVersion,
        long databaseBytes,
        Instant startedAt,
        Instant completedAt,
        List<String> rlsTables,
        String requestedBy,
        String reason) {

    public static final int VERSION = 1;

    public ArchiveRef archive() {
        return new ArchiveRef(archiveKey, bytes, sha256, format);
    }
}
