package dev.shoehorn.backup.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetLock;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Clears up after swaps, at start-up and every {@code backup.restore.sweep-interval}: drops kept
 * databases older than {@code backup.restore.keep-before} and fresh ones of jobs that died (older
 * than {@code backup.jobs.timeout}), and lets connections into a target again that a dying swap had
 * blocked. Only databases whose {@link SwapMarker} agrees with their name and names a configured
 * restorable target are touched, and only under that target's lock, so never while a job of it
 * runs on any replica.
 */
@ApplicationScoped
public class SwapSweeper {

    private static final Logger LOG = Logger.getLogger(SwapSweeper.class);

    private final TargetRegistry targets;
    private final TargetLock locks;
    private final RestoreConfig config;
    private final JobsConfig jobs;
    private ScheduledExecutorService timer;

    public SwapSweeper(TargetRegistry targets, TargetLock locks, RestoreConfig config, JobsConfig jobs) {
        this.targets = targets;
        this.locks = locks;
        this.config = config;
        this.jobs = jobs;
    }

    void onStart(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("swap-sweeper"));
        timer.scheduleWithFixedDelay(this::sweep, 0, config.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One round over the restorable targets; a target whose lock a job holds waits for the next. Returns what was dropped. */
    public List<String> sweep() {
        List<String> dropped = new ArrayList<>();
        for (Target target : targets.all()) {
            if (!target.restorable()) {
                continue;
            }
            try {
                Optional<TargetLock.Held> lock = locks.tryAcquire(target);
                if (lock.isEmpty()) {
                    LOG.debugf("target=%s stage=sweep-deferred", target.name());
                    continue;
                }
                try (TargetLock.Held held = lock.get();
                        Connection c = Postgres.connect(target, target.maintenanceDatabase())) {
                    dropped.addAll(sweepLocked(c, target));
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("target=%s stage=sweep-failed msg=\"%s\"", target.name(), e.getMessage());
            }
        }
        return dropped;
    }

    /** The sweep of one target whose lock the caller holds (a swap job sweeps before it starts). */
    List<String> sweepLocked(Connection admin, Target target) throws SQLException {
        Instant now = Instant.now();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, String> database : Databases.comments(admin).entrySet()) {
            String name = database.getKey();
            Optional<SwapMarker> found = SwapMarker.parse(database.getValue())
                    .filter(m -> m.describes(name, target.database()));
            if (found.isEmpty()) {
                continue;
            }
            SwapMarker marker = found.get();
            if (marker.blocked()) {
                unblock(admin, target, name, marker);
            }
            Duration keep = marker.kept() ? config.keepBefore() : jobs.timeout();
            if (!now.isBefore(marker.at().plus(keep))) {
                Databases.drop(admin, name);
                LOG.infof("target=%s stage=swept database=%s kind=%s job=%s since=%s", target.name(), name,
                        marker.kept() ? "kept" : "fresh", marker.job(), marker.at());
                dropped.add(name);
            }
        }
        return dropped;
    }

    private static void unblock(Connection admin, Target target, String name, SwapMarker marker) throws SQLException {
        if (Databases.exists(admin, target.database()) && !Databases.allowsConnections(admin, target.database())) {
            Databases.allowConnections(admin, target.database(), true);
            LOG.infof("target=%s stage=connections-restored database=%s job=%s", target.name(), target.database(),
                    marker.job());
        }
        Databases.setComment(admin, name, marker.blocked(false).toComment());
    }
}
