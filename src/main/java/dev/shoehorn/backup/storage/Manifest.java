package dev.shoehorn.backup.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.codec.Encryption;

/**
 * Written beside an archive, last: the commit point. An archive without a manifest is
 * incomplete and is never restored, listed as good or counted by retention. {@code rowCounts} are the
 * rows of each table (schema.table) in the dump's own snapshot, for restore drills; null where not
 * counted. {@code compression} says how the stored bytes were compressed (null in manifests from
 * before it was recorded: pg_dump's own), {@code encryption} with which key they were encrypted
 * (null: not encrypted).
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
        String reason,
        Map<String, Long> rowCounts,
        Compression compression,
        Encryption encryption) {

    /** A manifest without row counts: the archive's dump was not counted (or was made before they were). */
    public Manifest(int manifestVersion, String archiveKey, String target, String commandId, String jobId,
            String format, long bytes, String sha256, String pgDumpVersion, String serverVersion, long databaseBytes,
            Instant startedAt, Instant completedAt, List<String> rlsTables, String requestedBy, String reason) {
        this(manifestVersion, archiveKey, target, commandId, jobId, format, bytes, sha256, pgDumpVersion,
                serverVersion, databaseBytes, startedAt, completedAt, rlsTables, requestedBy, reason, null,
                Compression.parse("native"), null);
    }

    public static final int VERSION = 1;

    /** How the stored bytes were compressed: pg_dump's own compression where the manifest does not say. */
    public Compression compressionOrNative() {
        return compression == null ? Compression.parse("native") : compression;
    }

    public Optional<Encryption> encryptionIfAny() {
        return Optional.ofNullable(encryption);
    }

    public ArchiveRef archive() {
        return new ArchiveRef(archiveKey, bytes, sha256, format);
    }
}
