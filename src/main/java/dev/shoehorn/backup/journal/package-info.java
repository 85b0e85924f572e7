/**
 * The event journal, shared by the worker (event archive, status page) and the CLI (watch, status,
 * audit): a progress record read back ({@link JournalEvent}), the jobs folded from those records
 * ({@link JobFolder}, {@link JobRecord}) and the layout of the archived segments
 * ({@link EventSegments}). It needs nothing but the JDK and Jackson, so that both programs compile
 * the same sources and read the history the same way.
 */
package dev.shoehorn.backup.journal;
