package dev.shoehorn.backup.tracing;

/**
 * The spans of a job's steps, their names defined once. A backup's dump and upload overlap (the
 * archive streams to storage while pg_dump writes it), so both are children of the job's span,
 * not of each other.
 */
public enum Stage {
    /** Reading and checking a command, up to its accepted or rejected event. */
    INTAKE("intake"),
    /** Waiting for the target's lock. */
    LOCK("lock"),
    /** pg_dump, from its start to its exit. */
    DUMP("dump"),
    /** The archive's upload to storage, from its first byte to its last part or file. */
    UPLOAD("upload"),
    /** Writing the manifest: the backup's commit point. */
    MANIFEST("manifest"),
    /** Checking, downloading and applying the archive (pg_restore). */
    RESTORE("restore"),
    /** Migrations and the row-level-security check on the restored database. */
    CHECKS("checks"),
    /** Renaming the fresh database in place of the target: a swap restore's commit point. */
    SWAP("swap"),
    /** The backfill reaction: its request and the polls of the search API. */
    BACKFILL("backfill"),
    /** The cache-flush reaction. */
    CACHE_FLUSH("cache-flush");

    private final String spanName;

    Stage(String spanName) {
        this.spanName = spanName;
    }

    public String spanName() {
        return spanName;
    }
}
