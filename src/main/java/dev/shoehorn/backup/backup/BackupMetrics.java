package dev.shoehorn.backup.backup;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.job.JobRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Prometheus metrics of backup jobs (see docs/configuration.md, "Metrics"). */
@ApplicationScoped
public class BackupMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public BackupMetrics(MeterRegistry registry, JobRunner runner) {
        this.registry = registry;
        Gauge.builder("backup_jobs_in_flight", runner, JobRunner::inFlight)
                .description("Jobs holding a slot in this worker").register(registry);
    }

    public void ended(String target, BackupOutcome outcome, Duration took) {
        String result = outcome.name().toLowerCase();
        Counter.builder("backup_jobs").description("Backup jobs by outcome")
                .tags("kind", "backup", "target", target, "outcome", result).register(registry).increment();
        Timer.builder("backup_job_duration").description("Duration of backup jobs")
                .tags("kind", "backup", "target", target, "outcome", result)
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
