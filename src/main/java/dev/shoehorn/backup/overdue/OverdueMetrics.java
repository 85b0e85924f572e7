package dev.shoehorn.backup.overdue;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The watchdog's gauges, per target; names defined here only. */
@ApplicationScoped
public class OverdueMetrics {

    /** Seconds since the target's last completed backup (NaN before its first). */
    public static final String LAST_SUCCESS_AGE = "backup_last_success_age_seconds";
    /** 1 while the target is overdue, else 0. */
    public static final String OVERDUE = "backup_overdue";

    private final MeterRegistry registry;

    public OverdueMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(List<String> targets, Function<String, Optional<TargetHealth>> health, Clock clock) {
        for (String target : targets) {
            Gauge.builder(LAST_SUCCESS_AGE, () -> health.apply(target).map(h -> h.ageSeconds(clock.instant()))
                    .orElse(Double.NaN)).tag("target", target).register(registry);
            Gauge.builder(OVERDUE, () -> health.apply(target).map(h -> h.overdue() ? 1 : 0).orElse(0))
                    .tag("target", target).register(registry);
        }
    }
}
