package dev.shoehorn.backup.job;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How jobs run: how many at once, how they are retried and how long they may take. */
@ConfigMapping(prefix = "backup.jobs")
public interface JobsConfig {

    /** Jobs (backups or restores of different targets) that run at the same time in this worker. */
    @WithDefault("2")
    int concurrency();

    /**
     * Commands accepted by this worker at once: running, or waiting for their target's lock (which
     * holds no slot) or for a slot. The consumer takes no further command while all are taken.
     */
    @WithDefault("16")
    int maxQueued();

    /** Attempts of one job, the first included, before a retryable failure is given up (but see retry-window). */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt; doubles for each further attempt. */
    @WithDefault("5s")
    Duration backoffInitial();

    /** Upper bound of the wait between attempts. */
    @WithDefault("1m")
    Duration backoffMax();

    /**
     * Retryable failures (the target database or object storage unreachable) are retried for at
     * least this long, however many attempts that takes, before a job fails: an outage shorter
     * than this is waited out.
     */
    @WithDefault("2m")
    Duration retryWindow();

    /** A job still running after this long is cancelled and fails with TIMEOUT. */
    @WithDefault("12h")
    Duration timeout();

    /** How long a stopping worker waits for its jobs to abort cleanly (kill the tool, abort the upload). */
    @WithDefault("20s")
    Duration shutdownGrace();
}
