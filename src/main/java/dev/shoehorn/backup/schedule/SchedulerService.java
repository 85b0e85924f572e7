package dev.shoehorn.backup.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.BackgroundLoop;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.storage.ArchiveStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Runs this replica's {@link Scheduler} on a thread of its own, on the worker's clock, where enabled. */
@ApplicationScoped
public class SchedulerService {

    private static final Logger LOG = Logger.getLogger(SchedulerService.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** Wakes a little after a slot rather than a little before it. */
    private static final Duration SLACK = Duration.ofMillis(20);

    private final ScheduleConfig config;
    private final Schedules schedules;
    private final Scheduler scheduler;
    private final Clock clock;
    private BackgroundLoop loop;

    public SchedulerService(ScheduleConfig config, Schedules schedules, ArchiveStore store,
            ScheduledCommands commands, ProgressPublisher progress, JobsConfig jobs, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.schedules = schedules;
        this.scheduler = new Scheduler(schedules.all(), store, commands::publish, config.lateAfter(), jobs.timeout(),
                progress.source());
    }

    void onStart(@Observes StartupEvent event) {
        Instant now = clock.instant();
        String summary = schedules.all().entrySet().stream()
                .map(e -> e.getKey() + "(" + e.getValue() + " next=" + e.getValue().next(now) + ")")
                .collect(Collectors.joining(","));
        if (!config.enabled() || schedules.all().isEmpty()) {
            LOG.infof("stage=scheduler enabled=false schedules=%s", summary.isEmpty() ? "none" : summary);
            return;
        }
        LOG.infof("stage=scheduler enabled=true lateAfter=%s schedules=%s", config.lateAfter(), summary);
        loop = BackgroundLoop.start("scheduler", this::round);
    }

    /**
     * Publishes what is due, then sleeps until the next slot, but at most a tick: a step of the clock
     * (a test's clock file, a corrected system clock) is seen within a tick, not at a slot computed
     * before it.
     */
    private Duration round() {
        Instant now = clock.instant();
        scheduler.tick(now);
        Duration untilNext = Duration.between(clock.instant(), scheduler.nextSlot(now)).plus(SLACK);
        return untilNext.compareTo(config.tick()) > 0 ? config.tick() : untilNext.isNegative() ? SLACK : untilNext;
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop(STOP_WAIT);
        }
    }
}
