package dev.shoehorn.backup.schedule;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The scheduler of every replica (docs/operations.md, "Schedules"). Each target's own schedule is
 * {@code backup.targets.<name>.schedule} and {@code .schedule-zone}.
 */
@ConfigMapping(prefix = "backup.schedule")
public interface ScheduleConfig {

    /**
     * Whether this worker publishes its targets' scheduled backups. Every replica may: each publishes
     * a slot's command with the same commandId, so the slot yields one backup however many do.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * A slot first seen more than this after its time was missed (no worker ran, or the target's
     * previous scheduled backup was still running): it is caught up and announced with
     * {@code schedule.caught-up}.
     */
    @WithDefault("5m")
    Duration lateAfter();

    /** Longest sleep between two looks at the clock, so that a clock step is noticed soon. */
    @WithDefault("30s")
    Duration tick();
}
