package dev.shoehorn.backup.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.backup.BackupCompleted;
import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.BackgroundLoop;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.progress.EventsStoppedException;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.retention.RetentionEvents.Pruned;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.PutIfAbsent;
import dev.shoehorn.backup.storage.StorageConfig;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;

/**
 * When retention runs: after each successful backup of a target (on the worker that made it), and at
 * each slot of its own schedule over every target (on the one replica that claims the slot first in
 * the store). Runs are one at a time per worker, and each ends with one {@code retention.pruned}
 * event per target. Invalid rules stop start-up.
 */
@Startup
@ApplicationScoped
public class RetentionService {

    public static final String AFTER_BACKUP = "after-backup";
    public static final String SCHEDULE = "schedule";
    private static final Logger LOG = Logger.getLogger(RetentionService.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final RetentionConfig config;
    private final TargetRegistry targets;
    private final ArchiveStore store;
    private final ProgressPublisher progress;
    private final Map<String, RetentionRules> rules = new TreeMap<>();
    private final Optional<Cron> schedule;
    private final Pruner pruner;
    private final ExecutorService runs;
    private final Clock clock;
    private BackgroundLoop scheduled;
    private Instant nextSlot;

    public RetentionService(RetentionConfig config, TargetRegistry targets, ArchiveStore store, StorageConfig storage,
            JobsConfig jobs, CommandConfig commands, ProgressPublisher progress, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.targets = targets;
        this.store = store;
        this.progress = progress;
        Settings settings = Settings.read(config, targets, storage, jobs, commands);
        if (!settings.problems().isEmpty()) {
            throw new IllegalStateException("invalid retention configuration: "
                    + String.join("; ", settings.problems()));
        }
        this.rules.putAll(settings.rules());
        this.schedule = settings.schedule();
        this.pruner = new Pruner(new StoreBucket(store), config.incompleteGrace(), config.recordMaxAge(),
                storage.abandonedUploadAge(), LOG::info);
        this.runs = Executors.newSingleThreadExecutor(DaemonThreads.named("retention"));
    }

    /**
     * What is wrong with retention's configuration, one sentence each: the targets' rules, the ages,
     * the schedule. The start-up checks name these with the other problems.
     */
    public static List<String> problems(RetentionConfig config, TargetRegistry targets, StorageConfig storage,
            JobsConfig jobs, CommandConfig commands) {
        return Settings.read(config, targets, storage, jobs, commands).problems();
    }

    /** Retention's configuration read once: each target's valid rules, the schedule, what is wrong. */
    private record Settings(Map<String, RetentionRules> rules, Optional<Cron> schedule, List<String> problems) {

        static Settings read(RetentionConfig config, TargetRegistry targets, StorageConfig storage, JobsConfig jobs,
                CommandConfig commands) {
            List<String> problems = new ArrayList<>();
            Map<String, RetentionRules> rules = new TreeMap<>();
            targets.all().forEach(target -> rulesOf(target, problems).ifPresent(r -> rules.put(target.name(), r)));
            problems.addAll(ageProblems(config, storage, jobs, commands));
            Optional<Cron> schedule = Cron.read("backup.retention.schedule", config.schedule(), config.scheduleZone(),
                    problems);
            return new Settings(rules, schedule, problems);
        }
    }

    /**
     * What is wrong with the ages retention goes by: each must outlast what it would otherwise cut
     * short. Retention takes no lock, so these ages are all that keeps it off running jobs.
     */
    static List<String> ageProblems(RetentionConfig config, StorageConfig storage, JobsConfig jobs,
            CommandConfig commands) {
        List<String> problems = new ArrayList<>();
        if (config.incompleteGrace().compareTo(jobs.timeout()) <= 0) {
            problems.add("backup.retention.incomplete-grace (" + config.incompleteGrace()
                    + ") must exceed backup.jobs.timeout (" + jobs.timeout() + "): a running job's archive would be deleted");
        }
        if (storage.abandonedUploadAge().compareTo(jobs.timeout()) <= 0) {
            problems.add("backup.storage.abandoned-upload-age (" + storage.abandonedUploadAge()
                    + ") must exceed backup.jobs.timeout (" + jobs.timeout() + "): a running job's upload would be aborted");
        }
        Duration longestCommand = commands.backupMaxAge().compareTo(commands.restoreMaxAge()) > 0
                ? commands.backupMaxAge() : commands.restoreMaxAge();
        if (config.recordMaxAge().compareTo(longestCommand) <= 0) {
            problems.add("backup.retention.record-max-age (" + config.recordMaxAge()
                    + ") must exceed the commands' maximum age (" + longestCommand + "): a redelivery would run again");
        }
        return problems;
    }

    /**
     * Prunes one target now and reports it with a {@code retention.pruned} event; returns its data.
     *
     * @throws JobFailedException when the target's folder cannot be listed (nothing deleted, no event)
     */
    public Pruned prune(String target, String trigger, Instant now) {
        RetentionRules targetRules = Optional.ofNullable(rules.get(target))
                .orElseThrow(() -> new IllegalArgumentException("target " + target + " is not configured"));
        long started = System.nanoTime();
        Pruner.Result result = pruner.prune(target, targetRules, now, false);
        Pruned pruned = new Pruned(trigger, RetentionEvents.Rules.of(targetRules), listed(result.deleted()),
                result.deleted().size(), listed(result.kept()), result.kept().size(), listed(result.failed()),
                result.failed().size(), result.recordsDeleted(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        progress.job(UUID.randomUUID().toString(), null, target).emit(pruned);
        return pruned;
    }

    void afterBackup(@Observes BackupCompleted completed) {
        if (config.enabled() && config.afterBackup()) {
            runs.execute(() -> pruneLogged(completed.target(), AFTER_BACKUP));
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled() || schedule.isEmpty()) {
            LOG.infof("stage=retention enabled=%s afterBackup=%s schedule=%s", config.enabled(), config.afterBackup(),
                    schedule.map(Cron::toString).orElse("off"));
            return;
        }
        LOG.infof("stage=retention enabled=true afterBackup=%s schedule=\"%s\" next=%s incompleteGrace=%s "
                + "recordMaxAge=%s rules=%s", config.afterBackup(), schedule.get(), schedule.get().next(clock.instant()),
                config.incompleteGrace(), config.recordMaxAge(), rules);
        nextSlot = schedule.get().next(clock.instant());
        scheduled = BackgroundLoop.start("retention-schedule", this::round);
    }

    /** Runs a slot that has come (on the one replica that claims it), then waits for the next (a minute at most). */
    private Duration round() {
        Instant now = clock.instant();
        if (!now.isBefore(nextSlot)) {
            Instant slot = nextSlot;
            nextSlot = schedule.orElseThrow().next(now);
            runs.execute(() -> runSlot(slot));
        }
        Duration wait = Duration.between(clock.instant(), nextSlot);
        return wait.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : wait;
    }

    /**
     * One slot of the retention schedule: if this replica is the first to claim it in the store, every
     * target is pruned now, one after the other. Public so that a test can run a slot of its choosing.
     *
     * @return one run per target pruned (a target whose folder could not be listed has none); empty
     *         when the slot was claimed before, by any replica
     */
    public List<Pruned> runSlot(Instant slot) {
        if (!claim(slot)) {
            return List.of();
        }
        return rules.keySet().stream().flatMap(target -> pruneLogged(target, SCHEDULE).stream()).toList();
    }

    /** Whether this replica runs the slot: the first to write its claim does. */
    private boolean claim(Instant slot) {
        try {
            boolean mine = store.putJsonIfAbsent(store.keys().retentionRun(slot),
                    Map.of("slot", slot.toString(), "claimedBy", progress.source())) == PutIfAbsent.CREATED;
            LOG.infof("stage=retention-slot slot=%s claimed=%s", slot, mine);
            return mine;
        } catch (JobFailedException e) {
            LOG.warnf("stage=retention-slot-unclaimed slot=%s code=%s msg=\"%s\"", slot, e.failure().code(),
                    e.failure().message());
            return false;
        }
    }

    private Optional<Pruned> pruneLogged(String target, String trigger) {
        try {
            return Optional.of(prune(target, trigger, clock.instant()));
        } catch (JobFailedException e) {
            LOG.warnf("target=%s stage=retention-skipped trigger=%s code=%s msg=\"%s\"", target, trigger,
                    e.failure().code(), e.failure().message());
        } catch (EventsStoppedException e) {
            LOG.infof("target=%s stage=retention-stopped trigger=%s", target, trigger);
        } catch (RuntimeException e) {
            LOG.errorf(e, "target=%s stage=retention-error trigger=%s", target, trigger);
        }
        return Optional.empty();
    }

    private static <T> List<T> listed(List<T> items) {
        return List.copyOf(items.subList(0, Math.min(items.size(), RetentionEvents.MAX_LISTED)));
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        runs.shutdownNow();
        if (scheduled != null) {
            scheduled.stop(STOP_WAIT);
        }
    }

    /** A target's configured retention as rules, or a problem for the start-up message. */
    private static Optional<RetentionRules> rulesOf(Target target, List<String> problems) {
        var r = target.retention();
        try {
            return Optional.of(new RetentionRules(r.keepLast(), r.maxAge(), r.keepDaily(), r.keepWeekly(),
                    r.keepMonthly()));
        } catch (IllegalArgumentException e) {
            problems.add("backup.targets." + target.name() + ".retention: " + e.getMessage());
            return Optional.empty();
        }
    }
}
