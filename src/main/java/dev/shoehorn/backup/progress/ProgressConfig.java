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

    /** How long a job waits for the broker to acknowledge one event before it logs and goes on. */
    @WithDefault("30s")
    Duration sendTimeout();
}
