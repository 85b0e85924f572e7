package dev.shoehorn.backup.overdue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.BackgroundLoop;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.schedule.Schedules;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.PutIfAbsent;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Raises {@code backup.overdue} once per breach when a target has no completed backup within its
 * window, and {@code backup.overdue-cleared} once when one arrives. Nothing is kept in memory that a
 * restart would lose: the last good backup is the store's {@code latest}, and each breach's raising
 * and clearing are records written If-None-Match under {@code <prefix>/.overdue/<target>/}, so every
 * replica and a restarted worker agree on what was already said. Retention deletes a breach's records
 * once it has long been cleared, the raised one first; the others it leaves to this class.
 */
@ApplicationScoped
public class OverdueWatchdog {

    private static final Logger LOG = Logger.getLogger(OverdueWatchdog.class);
    private static final String NEVER = "never";
    private static final String WATCHING = ArchiveKeys.OVERDUE_WATCHING;
    private static final String RAISED = ArchiveKeys.OVERDUE_RAISED;
    private static final String CLEARED = ArchiveKeys.OVERDUE_CLEARED;
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final OverdueConfig config;
    private final TargetRegistry targets;
    private final Schedules schedules;
    private final ArchiveStore store;
    private final ProgressPublisher progress;
    private final Map<String, TargetHealth> health = new ConcurrentHashMap<>();
    /** Per target, the breach whose earlier breaches are known to be cleared: spares a listing per look. */
    private final Map<String, String> clearedBefore = new ConcurrentHashMap<>();
    private final Clock clock;
    private BackgroundLoop loop;

    public OverdueWatchdog(OverdueConfig config, TargetRegistry targets, Schedules schedules, ArchiveStore store,
            ProgressPublisher progress, OverdueMetrics metrics, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.targets = targets;
        this.schedules = schedules;
        this.store = store;
        this.progress = progress;
        metrics.register(targets.all().stream().map(Target::name).toList(), this::health, clock);
    }

    /** What the watchdog last saw of a target; empty before its first look or when it is off. */
    public Optional<TargetHealth> health(String target) {
        return Optional.ofNullable(health.get(target));
    }

    /** Looks at every target as of {@code now}, raising and clearing as due. */
    public void check(Instant now) {
        for (Target target : targets.all()) {
            try {
                check(target, now);
            } catch (JobFailedException e) {
                LOG.warnf("target=%s stage=overdue-check-failed code=%s msg=\"%s\"", target.name(), e.failure().code(),
                        e.failure().message());
            }
        }
    }

    private void check(Target target, Instant now) {
        String name = target.name();
        Optional<Cron> cron = schedules.of(name);
        Optional<Manifest> latest = store.latestManifest(name);
        Instant nextRun = cron.map(c -> c.next(now)).orElse(null);
        if (cron.isEmpty() && target.overdueAfter().isEmpty()) {
            health.put(name, new TargetHealth(name, latest.map(Manifest::completedAt).orElse(null),
                    latest.map(Manifest::archiveKey).orElse(null), null, null, false, nextRun, now));
            return;
        }
        Instant since = latest.map(Manifest::completedAt).orElseGet(() -> watchingSince(name, now));
        Duration window = OverdueWindow.of(cron, target.overdueAfter(), config.grace(), since).orElseThrow();
        Instant overdueAt = OverdueWindow.overdueAt(since, window);
        boolean overdue = now.isAfter(overdueAt);
        String breach = latest.map(m -> ArchiveKeys.stampOf(m.archiveKey()).map(Instant::toString)
                .orElse(m.archiveKey().replaceAll("[^A-Za-z0-9_.-]", "_"))).orElse(NEVER);
        health.put(name, new TargetHealth(name, latest.map(Manifest::completedAt).orElse(null),
                latest.map(Manifest::archiveKey).orElse(null), window, overdueAt, overdue, nextRun, now));
        // earlier breaches are cleared even when this one is overdue too: a backup came between them
        // and no look saw it in time (a long check interval, or every worker down)
        if (!breach.equals(clearedBefore.get(name))) {
            clearEarlier(name, breach, latest, now);
            clearedBefore.put(name, breach);
        }
        if (overdue) {
            raise(name, breach, latest, window, overdueAt, cron, now);
        }
    }

    private void raise(String target, String breach, Optional<Manifest> latest, Duration window, Instant overdueAt,
            Optional<Cron> cron, Instant now) {
        OverdueClaim claim = new OverdueClaim(target, breach, latest.map(Manifest::completedAt).orElse(null),
                latest.map(Manifest::archiveKey).orElse(null), overdueAt, now, progress.source());
        if (store.putJsonIfAbsent(raisedKey(target, breach), claim)
                == PutIfAbsent.CREATED) {
            emit(target, new OverdueEvents.Overdue(claim.lastSuccessAt(), claim.lastArchive(), window.toSeconds(),
                    overdueAt, cron.map(Cron::toString).orElse(null)));
        }
    }

    /** Clears every breach raised before the current one (and not cleared yet): a backup has since completed. */
    private void clearEarlier(String target, String breach, Optional<Manifest> latest, Instant now) {
        String folder = store.keys().overdue(target);
        for (String key : store.keysUnder(folder)) {
            if (!key.endsWith(RAISED) || key.equals(raisedKey(target, breach))) {
                continue;
            }
            String cleared = key.substring(0, key.length() - RAISED.length()) + CLEARED;
            Optional<OverdueClaim> raised = store.record(key, OverdueClaim.class);
            if (raised.isEmpty() || latest.isEmpty()) {
                continue;
            }
            OverdueClaim claim = new OverdueClaim(target, raised.get().breach(), latest.get().completedAt(),
                    latest.get().archiveKey(), raised.get().overdueAt(), now, progress.source());
            if (store.putJsonIfAbsent(cleared, claim) == PutIfAbsent.CREATED) {
                emit(target, new OverdueEvents.OverdueCleared(raised.get().overdueAt(), latest.get().completedAt(),
                        latest.get().archiveKey(),
                        Math.max(0, Duration.between(raised.get().overdueAt(), latest.get().completedAt()).toSeconds())));
            }
        }
    }

    /** The record that a breach was raised; {@code :} of a breach's time left out of the key. */
    private String raisedKey(String target, String breach) {
        return store.keys().overdue(target) + breach.replace(':', '-') + RAISED;
    }

    /** When the target was first watched: the start of the window of a target that has no backup yet. */
    private Instant watchingSince(String target, Instant now) {
        String key = store.keys().overdue(target) + WATCHING;
        store.putJsonIfAbsent(key, new OverdueClaim(target, NEVER, null, null, null, now, progress.source()));
        return store.record(key, OverdueClaim.class).map(OverdueClaim::at).orElse(now);
    }

    private void emit(String target, dev.shoehorn.backup.progress.StageEvent event) {
        progress.job(UUID.randomUUID().toString(), null, target).emit(event);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("stage=overdue-watchdog enabled=false");
            return;
        }
        LOG.infof("stage=overdue-watchdog enabled=true grace=%s checkInterval=%s", config.grace(),
                config.checkInterval());
        loop = BackgroundLoop.start("overdue-watchdog", () -> {
            check(clock.instant());
            return config.checkInterval();
        });
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop(STOP_WAIT);
        }
    }
}
