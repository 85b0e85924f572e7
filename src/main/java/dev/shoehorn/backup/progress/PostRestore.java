package dev.shoehorn.backup.progress;

/** The post-restore steps of the operations guide that follow a restore. */
public record PostRestore(boolean migrate, boolean backfill, boolean flushCache) {
}
