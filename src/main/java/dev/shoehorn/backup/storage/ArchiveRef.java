package dev.shoehorn.backup.storage;

/** A finished archive: where it is and what it must hash to. */
public record ArchiveRef(String key, long bytes, String sha256, String format) {
}
