package dev.shoehorn.backup.backup;

import java.util.Optional;

import dev.shoehorn.backup.storage.Manifest;

/**
 * Expected size of pg_dump's output, for {@code bytesTotal} and percent while a backup runs (the
 * worker's compression and encryption come after it, and zstd's threads emit in bursts). The last
 * archive's {@code dumpBytes}, scaled by how much the database grew since, is a good guess; without
 * one, a share of the database's size (its indexes are not dumped, only their definitions) is.
 */
final class SizeEstimate {

    /** pg_dump's uncompressed output of a database: its tables' data, about this share of its size. */
    static final double TYPICAL_SHARE = 0.7;

    private SizeEstimate() {
    }

    static long of(long databaseBytes, Optional<Manifest> previous) {
        return previous.filter(m -> m.databaseBytes() > 0 && m.dumpBytes() != null && m.dumpBytes() > 0)
                .map(m -> Math.max(1, (long) (m.dumpBytes() * ((double) databaseBytes / m.databaseBytes()))))
                .orElse(Math.max(1, (long) (databaseBytes * TYPICAL_SHARE)));
    }

    /** Percent done while running: capped at 99 until the archive is complete. */
    static int percent(long done, long total) {
        return (int) Math.min(99, total <= 0 ? 0 : done * 100 / total);
    }
}
