package dev.shoehorn.backup.failure;

/** Stable error codes carried by rejected and failed events ({@code data.error.code}). */
public enum ErrorCode {
    // rejections of a command
    INVALID_JSON,
    MISSING_FIELD,
    INVALID_FIELD,
    RECORD_TOO_LARGE,
    UNKNOWN_TARGET,
    NOT_RESTORABLE,
    CONFIRMATION_REQUIRED,
    ARCHIVE_NOT_FOUND,
    KEY_MISMATCH,
    EXPIRED,
    SOURCE_NOT_ALLOWED,
    UNAUTHORIZED,
    // failures of an accepted job
    TARGET_UNREACHABLE,
    PG_DUMP_UNAVAILABLE,
    PG_DUMP_FAILED,
    STORAGE_ERROR,
    ARCHIVE_CORRUPT,
    /** An encrypted archive that no key of the worker's keyset decrypts (missing or wrong key, or altered segments). */
    DECRYPT_FAILED,
    PG_RESTORE_FAILED,
    MIGRATION_FAILED,
    RLS_MISSING,
    SWAP_FAILED,
    KEPT_DATABASE_NOT_FOUND,
    /** A restore drill's checks did not all pass (the target was never touched). */
    DRILL_FAILED,
    // failures of post-restore reactions
    BACKFILL_FAILED,
    BACKFILL_TIMEOUT,
    CACHE_FLUSH_FAILED,
    WORKER_STOPPED,
    /** The progress topic's broker did not acknowledge an event; never in an event, for want of a broker. */
    BROKER_UNAVAILABLE,
    TIMEOUT,
    INTERNAL
}
