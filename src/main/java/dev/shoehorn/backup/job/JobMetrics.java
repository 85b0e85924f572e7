package dev.shoehorn.backup.job;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Prometheus metrics of jobs (see docs/configuration.md, "Metrics"). */
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public JobMetrics(MeterRegistry registry, JobRunner runner) {
        this.registry = registry;
        Gauge.builder("backup_jobs_in_flight", runner, JobRunner::inFlight)
                .description("Jobs holding a slot in this worker").register(registry);
    }

    public void ended(String kind, String target, JobOutcome outcome, Duration took) {
        String result = outcome.name().toLowerCase();
        Counter.builder("backup_jobs").description("Jobs (backups, restores) by outcome")
                .tags("kind", kind, "target", target, "outcome", result).register(registry).increment();
        Timer.builder("backup_job_duration").description("Duration of jobs")
                .tags("kind", kind, "target", target, "outcome", result)
                .publishPercentileHistogram().register(registry).record(took);
    }

    public void archived(String target, long bytes) {
        Counter.builder("backup_archive_bytes").baseUnit("bytes").description("Bytes of completed archives")
                .tags("target", target).register(registry).increment(bytes);
        lastSuccess.computeIfAbsent(target, t -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("backup_last_success_timestamp_seconds", holder, AtomicLong::get)
                    .description("When the last backup of the target completed (Unix time)")
                    .tags("target", t).register(registry);
            return holder;
        }).set(System.currentTimeMillis() / 1000);
    }
}
