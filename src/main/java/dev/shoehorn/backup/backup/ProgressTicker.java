package dev.shoehorn.backup.backup;

import java.time.Duration;

import dev.shoehorn.backup.progress.JobEvents;

/**
 * A backup's progress events: pg_dump's output so far against the estimate, at most once per
 * interval however often it is told.
 */
final class ProgressTicker {

    private final JobEvents events;
    private final long estimate;
    private final long intervalNanos;
    private long lastEvent = System.nanoTime();

    ProgressTicker(JobEvents events, long estimate, Duration interval) {
        this.events = events;
        this.estimate = estimate;
        this.intervalNanos = interval.toNanos();
    }

    /** Called by the threads of a directory dump's uploads, each with the total so far. */
    synchronized void done(long bytes) {
        long now = System.nanoTime();
        if (now - lastEvent >= intervalNanos) {
            lastEvent = now;
            long total = Math.max(estimate, bytes);
            events.emit(new BackupEvents.Progress(bytes, total, SizeEstimate.percent(bytes, total)));
        }
    }
}
