package dev.shoehorn.backup.reaction;

/** How the cache-flush reaction clears the cache. */
public enum FlushMode {
    /** FLUSHDB ASYNC on the configured database: every key of that database goes. */
    FLUSHDB,
    /** SCAN MATCH + UNLINK per configured pattern: only matching keys go. */
    PATTERNS;

    /** As in configuration and in {@code data.mode}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
