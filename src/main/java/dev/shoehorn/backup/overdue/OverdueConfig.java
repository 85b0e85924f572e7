package dev.shoehorn.backup.overdue;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The overdue watchdog (docs/operations.md, "Overdue watchdog"). */
@ConfigMapping(prefix = "backup.overdue")
public interface OverdueConfig {

    /** Whether this worker watches its targets and raises {@code backup.overdue}; every replica may. */
    @WithDefault("true")
    boolean enabled();

    /** Added to a schedule's period to make a target's default window: the time a backup may take. */
    @WithDefault("1h")
    Duration grace();

    /** How often the targets are looked at (each look lists the target's folder and reads its newest manifest). */
    @WithDefault("1m")
    Duration checkInterval();
}
