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
 * (null: not encrypted). {@code files} lists a directory archive's files (null for the custom
 * format); its {@code bytes} are then their sum and {@code sha256} that of their list
 * ({@link #filesDigest}). {@code dumpBytes} is the size of pg_dump's output before the worker
 * compressed or encrypted it (null where not recorded): the next backup's progress estimate.
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
        Encryption encryption,
        List<ArchiveFile> files,
        Long dumpBytes) {

    /** A manifest without row counts: the archive's dump was not counted (or was made before they were). */
    public Manifest(int manifestVersion, String archiveKey, String target, String commandId, String jobId,
            String format, long bytes, String sha256, String pgDumpVersion, String serverVersion, long databaseBytes,
            Instant startedAt, Instant completedAt, List<String> rlsTables, String requestedBy, String reason) {
        this(manifestVersion, archiveKey, target, commandId, jobId, format, bytes, sha256, pgDumpVersion,
                serverVersion, databaseBytes, startedAt, completedAt, rlsTables, requestedBy, reason, null,
                Compression.NATIVE, null, null, null);
    }

    public static final int VERSION = 1;

    /** How the stored bytes were compressed: pg_dump's own compression where the manifest does not say. */
    public Compression compressionOrNative() {
        return compression == null ? Compression.NATIVE : compression;
    }

    public Optional<Encryption> encryptionIfAny() {
        return Optional.ofNullable(encryption);
    }

    /** What the completeness rule needs of this manifest (the CLI reads the same from JSON). */
    public ArchiveChecks.ManifestFacts facts() {
        Map<String, Long> objects = null;
        if (files != null) {
            objects = new java.util.LinkedHashMap<>();
            for (ArchiveFile file : files) {
                objects.put(file.object(), file.bytes());
            }
        }
        return new ArchiveChecks.ManifestFacts(target, archiveKey, bytes, objects);
    }

    /** The SHA-256 a directory archive's manifest records: {@link ArchiveChecks#filesDigest} of its files. */
    public static String filesDigest(List<ArchiveFile> files) {
        Map<String, String> sha256ByObject = new java.util.HashMap<>();
        files.forEach(f -> sha256ByObject.put(f.object(), f.sha256()));
        return ArchiveChecks.filesDigest(sha256ByObject);
    }

    public boolean isDirectory() {
        return files != null;
    }

    public ArchiveRef archive() {
        return new ArchiveRef(archiveKey, bytes, sha256, format);
    }
}
