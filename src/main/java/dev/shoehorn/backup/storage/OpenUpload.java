package dev.shoehorn.backup.storage;

import java.time.Instant;

/** A multipart upload that was started and neither completed nor aborted. */
public record OpenUpload(String key, String uploadId, Instant initiated) {
}
