package dev.shoehorn.backup.progress;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How progress events are emitted. */
@ConfigMapping(prefix = "backup.progress")
public interface ProgressConfig {

    /** CloudEvents {@code source} is {@code backup-worker/<instance>}; defaults to the host name. */
    Optional<String> instance();

    /** Least time between two {@code .progress} events of one job. */
    @WithDefault("1s")
    Duration interval();

    /** Wait before an event the producer gave up on is sent again; doubles up to {@code retry-max}. */
    @WithDefault("1s")
    Duration retryInitial();

    /** Longest wait between two sends of one event while the broker is unreachable. */
    @WithDefault("30s")
    Duration retryMax();
}
