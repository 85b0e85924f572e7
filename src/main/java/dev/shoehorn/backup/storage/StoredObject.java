package dev.shoehorn.backup.storage;

import java.time.Instant;

/** An object as a bucket listing gives it. */
public record StoredObject(String key, long bytes, Instant lastModified) {
}
