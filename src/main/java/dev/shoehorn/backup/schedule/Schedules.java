package dev.shoehorn.backup.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.Startup;

/**
 * Every target's backup schedule, read once at start-up: one that cannot be read stops the worker
 * with a message naming each bad key and why, whether or not this replica runs the scheduler.
 */
@Startup
@ApplicationScoped
public class Schedules {

    private final Map<String, Cron> byTarget = new TreeMap<>();

    public Schedules(TargetRegistry targets) {
        List<String> problems = new ArrayList<>();
        for (Target target : targets.all()) {
            backupSchedule(target, problems).ifPresent(cron -> byTarget.put(target.name(), cron));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid schedules: " + String.join("; ", problems));
        }
    }

    /** What is wrong with the target's backup and drill schedules, one sentence each. */
    public static List<String> problems(Target target) {
        List<String> problems = new ArrayList<>();
        backupSchedule(target, problems);
        drillSchedule(target, problems);
        return problems;
    }

    /** The target's backup schedule; empty when off, or wrong, which is added to {@code problems}. */
    private static Optional<Cron> backupSchedule(Target target, List<String> problems) {
        return Cron.read("backup.targets." + target.name() + ".schedule", target.schedule(), target.scheduleZone(),
                problems);
    }

    /** The target's drill schedule; empty when off, or wrong, which is added to {@code problems}. */
    public static Optional<Cron> drillSchedule(Target target, List<String> problems) {
        return Cron.read("backup.targets." + target.name() + ".drill.schedule", target.drill().schedule(),
                target.drill().scheduleZone(), problems);
    }

    /** The targets that have a schedule, by name. */
    public Map<String, Cron> all() {
        return byTarget;
    }

    public Optional<Cron> of(String target) {
        return Optional.ofNullable(byTarget.get(target));
    }
}
