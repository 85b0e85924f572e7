package dev.shoehorn.backup.job;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus metrics of jobs; the one place their names are spelled (docs/configuration.md,
 * "Metrics", lists them; dashboards and alerts depend on them).
 */
@ApplicationScoped
public class JobMetrics {

    public static final String JOBS = "backup_jobs";
    public static final String JOB_DURATION = "backup_job_duration";
    public static final String IN_FLIGHT = "backup_jobs_in_flight";
    public static final String QUEUED = "backup_jobs_queued";
    public static final String ARCHIVE_BYTES = "backup_archive_bytes";
    public static final String LAST_SUCCESS = "backup_last_success_timestamp_seconds";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public JobMetrics(MeterRegistry registry, JobRunner runner) {
        this.registry = registry;
        Gauge.builder(IN_FLIGHT, runner, JobRunner::inFlight)
                .description("Jobs holding a slot in this worker").register(registry);
        Gauge.builder(QUEUED, runner, JobRunner::queued)
                .description("Jobs accepted by this worker and not ended: running or waiting for a lock or slot")
                .register(registry);
    }

    public void ended(String kind, String target, JobOutcome outcome, Duration took) {
        String result = outcome.name().toLowerCase(Locale.ROOT);
        Counter.builder(JOBS).description("Jobs (backups, restores) by outcome")
                .tags("kind", kind, "target", target, "outcome", result).register(registry).increment();
        Timer.builder(JOB_DURATION).description("Duration of jobs")
                .tags("kind", kind, "target", target, "outcome", result)
                .publishPercentileHistogram().register(registry).record(took);
    }

    public void archived(String target, long bytes) {
        Counter.builder(ARCHIVE_BYTES).baseUnit("bytes").description("Bytes of completed archives")
                .tags("target", target).register(registry).increment(bytes);
        lastSuccess.computeIfAbsent(target, t -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(LAST_SUCCESS, holder, AtomicLong::get)
                    .description("When the last backup of the target completed (Unix time)")
                    .tags("target", t).register(registry);
            return holder;
        }).set(System.currentTimeMillis() / 1000);
    }
}
