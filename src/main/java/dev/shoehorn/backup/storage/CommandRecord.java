package dev.shoehorn.backup.storage;

import java.time.Instant;

/**
 * The idempotency record of a completed command, kept in object storage beside the archives so
 * that it outlives worker restarts and is shared by every replica.
 */
public record CommandRecord(String commandId, String kind, String target, String jobId, String archiveKey,
        Instant completedAt) {
}
