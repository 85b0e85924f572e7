package dev.shoehorn.backup.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.BackgroundLoop;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.schedule.ScheduleConfig;
import dev.shoehorn.backup.schedule.ScheduledCommands;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes each slot of the targets' drill schedules ({@code backup.targets.<name>.drill.schedule})
 * as a drill command. Every replica publishes it, as backups' slots are; its commandId, derived from
 * (target, slot), lets one drill run and ends the other copies {@code skipped}. A drill slot that
 * passes while no worker runs is not caught up: the next one drills the then latest archive. Invalid
 * schedules stop start-up.
 */
@Startup
@ApplicationScoped
public class DrillScheduler {

    private static final Logger LOG = Logger.getLogger(DrillScheduler.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final ScheduleConfig config;
    private final ScheduledCommands commands;
    private final Map<String, Cron> schedules = new TreeMap<>();
    private final Map<String, Instant> lookedAt = new HashMap<>();
    private final Clock clock;
    private BackgroundLoop loop;

    public DrillScheduler(ScheduleConfig config, TargetRegistry targets, ScheduledCommands commands, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.commands = commands;
        List<String> problems = new ArrayList<>();
        for (Target target : targets.all()) {
            try {
                Cron.parseUnlessOff(target.drill().schedule(), target.drill().scheduleZone())
                        .ifPresent(cron -> schedules.put(target.name(), cron));
            } catch (IllegalArgumentException e) {
                problems.add("backup.targets." + target.name() + ".drill.schedule/.schedule-zone: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid drill schedules: " + String.join("; ", problems));
        }
    }

    /**
     * Publishes the drills whose slot passed since the last look (the first look of a target only
     * starts watching it); returns the targets drilled. A slot whose publishing failed is tried again
     * at the next look.
     */
    public List<String> tick(Instant now) {
        List<String> drilled = new ArrayList<>();
        schedules.forEach((target, cron) -> {
            Instant since = lookedAt.putIfAbsent(target, now);
            if (since == null) {
                return;
            }
            List<Instant> due = cron.between(since, now, 1);
            if (!due.isEmpty()) {
                commands.publishDrill(target, cron, due.get(0), now);
                LOG.infof("target=%s stage=drill-published slot=%s", target, due.get(0));
                drilled.add(target);
            }
            lookedAt.put(target, now);
        });
        return drilled;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled() || schedules.isEmpty()) {
            return;
        }
        LOG.infof("stage=drill-scheduler schedules=%s", schedules);
        loop = BackgroundLoop.start("drill-scheduler", () -> {
            tick(clock.instant());
            return config.tick();
        });
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop(STOP_WAIT);
        }
    }
}
