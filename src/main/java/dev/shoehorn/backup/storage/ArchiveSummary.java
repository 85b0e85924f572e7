package dev.shoehorn.backup.storage;

import java.time.Instant;

/**
 * One archive of a target's folder as the status page lists it: complete (its manifest holds, by
 * {@link ArchiveChecks}) or not, and why not.
 *
 * @param key the archive's key
 * @param bytes its size in the store
 * @param storedAt when the store got it
 * @param sha256 from its manifest, or null
 * @param completedAt from its manifest, or null
 * @param problem why it is incomplete, or null when complete
 */
public record ArchiveSummary(String key, long bytes, Instant storedAt, String sha256, Instant completedAt,
        String problem) {

    public boolean complete() {
        return problem == null;
    }
}
