package dev.shoehorn.backup.job;

import java.time.Duration;

/** Job settings for unit tests, without a running configuration. */
public record TestJobsConfig(int concurrency, int maxQueued, int maxAttempts, Duration backoffInitial,
        Duration backoffMax, Duration retryWindow, Duration timeout, Duration shutdownGrace) implements JobsConfig {

    public static TestJobsConfig with(int concurrency, int maxQueued, Duration retryWindow) {
        return new TestJobsConfig(concurrency, maxQueued, 3, Duration.ofMillis(10), Duration.ofMillis(40),
                retryWindow, Duration.ofHours(1), Duration.ofSeconds(1));
    }
}
