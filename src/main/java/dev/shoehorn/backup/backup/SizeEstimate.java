package dev.shoehorn.backup.backup;

import java.util.Optional;

import dev.shoehorn.backup.storage.Manifest;

/**
 * Expected archive size, for {@code bytesTotal} and percent. The last archive of the target,
 * scaled by how much the database grew since, is a good guess; without one, the database size
 * over a typical compression ratio of pg_dump's custom format is.
 */
final class SizeEstimate {

    /** pg_dump -Fc of mixed text and jsonb data compresses about 3–5:1. */
    static final int TYPICAL_RATIO = 4;

    private SizeEstimate() {
    }

    static long of(long databaseBytes, Optional<Manifest> previous) {
        return previous.filter(m -> m.databaseBytes() > 0 && m.bytes() > 0)
                .map(m -> Math.max(1, (long) (m.bytes() * ((double) databaseBytes / m.databaseBytes()))))
                .orElse(Math.max(1, databaseBytes / TYPICAL_RATIO));
    }

    /** Percent done while running: capped at 99 until the archive is complete. */
    static int percent(long done, long total) {
        return (int) Math.min(99, total <= 0 ? 0 : done * 100 / total);
    }
}
