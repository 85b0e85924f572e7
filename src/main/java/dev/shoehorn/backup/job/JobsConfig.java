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

    /** Attempts of one job, the first included, before a retryable failure is given up. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt; doubles for each further attempt. */
    @WithDefault("5s")
    Duration backoffInitial();

    /** Upper bound of the wait between attempts. */
    @WithDefault("2m")
    Duration backoffMax();

    /** A job still running after this long is cancelled and fails with TIMEOUT. */
    @WithDefault("12h")
    Duration timeout();

    /** How long a stopping worker waits for its jobs to abort cleanly (kill the tool, abort the upload). */
    @WithDefault("20s")
    Duration shutdownGrace();
}
