package dev.shoehorn.backup.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.BackgroundLoop;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.schedule.ScheduleConfig;
import dev.shoehorn.backup.schedule.ScheduledCommands;
import dev.shoehorn.backup.schedule.Schedules;
import dev.shoehorn.backup.schedule.SlotCommand;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes each slot of the targets' drill schedules ({@code backup.targets.<name>.drill.schedule})
 * as a drill command. Every replica publishes it, as backups' slots are; its commandId, derived from
 * (target, slot), lets one drill run and ends the other copies {@code skipped}. Invalid schedules stop
 * start-up.
 *
 * <p>What is due comes from object storage, not from this process: at start and at each look, the
 * latest slot at or before now is published unless its command has a record (a drill of it ran, or
 * runs). So a replica restarted across a slot, or the first worker back after all were down, drills
 * that slot late, once, however many slots were missed; slots before the latest are never looked at
 * (at most one schedule period back). A new schedule drills its latest slot at once.
 */
@Startup
@ApplicationScoped
public class DrillScheduler {

    private static final Logger LOG = Logger.getLogger(DrillScheduler.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final ScheduleConfig config;
    private final ScheduledCommands commands;
    private final ArchiveStore store;
    private final Map<String, Cron> schedules = new TreeMap<>();
    private final List<String> unscheduled = new ArrayList<>();
    /** The slot of each target last published or found drilled: storage is asked once per slot. */
    private final Map<String, Instant> handled = new HashMap<>();
    private final Clock clock;
    private BackgroundLoop loop;

    public DrillScheduler(ScheduleConfig config, TargetRegistry targets, ScheduledCommands commands,
            ArchiveStore store, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.commands = commands;
        this.store = store;
        List<String> problems = new ArrayList<>();
        for (Target target : targets.all()) {
            // a wrong one is named with the unscheduled too, but stops start-up below
            Schedules.drillSchedule(target, problems).ifPresentOrElse(cron -> schedules.put(target.name(), cron),
                    () -> unscheduled.add(target.name()));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid drill schedules: " + String.join("; ", problems));
        }
    }

    /**
     * Publishes each target's latest slot as of {@code now} unless its drill ran or runs; returns the
     * targets drilled. A slot whose publishing failed, or whose record storage could not give, is
     * looked at again at the next look.
     *
     * @throws dev.shoehorn.backup.progress.EventsStoppedException when the worker stops mid-publish
     */
    public List<String> tick(Instant now) {
        List<String> drilled = new ArrayList<>();
        schedules.forEach((target, cron) -> {
            Instant slot = cron.latestAtOrBefore(now);
            if (slot.equals(handled.get(target))) {
                return;
            }
            UUID commandId = SlotCommand.drillCommandIdOf(target, slot);
            boolean ran;
            try {
                // the slot's record, or, once retention has pruned it (a quarterly slot outlives a record),
                // the report of any drill since the slot: reports are kept
                ran = store.findCommand(RestoreService.KIND, target, commandId.toString()).isPresent()
                        || store.drilledSince(target, slot);
            } catch (JobFailedException e) {
                // nothing is published blind: the next look asks again
                LOG.warnf("target=%s stage=drill-schedule-unknown slot=%s code=%s msg=\"%s\"", target, slot,
                        e.failure().code(), e.failure().message());
                return;
            }
            if (!ran) {
                commands.publishDrill(target, cron, slot, now);
                Duration late = Duration.between(slot, now);
                if (late.compareTo(config.lateAfter()) > 0) {
                    LOG.infof("target=%s stage=drill-caught-up slot=%s command=%s late=%s", target, slot, commandId,
                            late);
                } else {
                    LOG.infof("target=%s stage=drill-published slot=%s command=%s", target, slot, commandId);
                }
                drilled.add(target);
            }
            handled.put(target, slot);
        });
        return drilled;
    }

    void onStart(@Observes StartupEvent event) {
        // a target without a drill schedule is named: the guide's quarterly test needs one
        LOG.infof("stage=drill-scheduler enabled=%s schedules=%s unscheduled=%s", config.enabled(),
                schedules.isEmpty() ? "none" : summary(), unscheduled.isEmpty() ? "none" : String.join(",", unscheduled));
        if (!config.enabled() || schedules.isEmpty()) {
            return;
        }
        loop = BackgroundLoop.start("drill-scheduler", () -> {
            tick(clock.instant());
            return config.tick();
        });
    }

    /** Each target's schedule, quoted: {@code "target(expression zone),..."}. */
    private String summary() {
        return schedules.entrySet().stream().map(e -> e.getKey() + "(" + e.getValue() + ")")
                .collect(Collectors.joining(",", "\"", "\""));
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop(STOP_WAIT);
        }
    }
}
