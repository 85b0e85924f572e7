package dev.shoehorn.backup.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.ScheduleState;

/**
 * One replica's scheduler, driven by the clock it is given ({@link #tick}). There is no coordinator:
 * every replica publishes each due slot, with the slot's own commandId, and the idempotency record
 * runs it once.
 *
 * <p>What is due comes from the schedule's state in object storage, not from this process: the
 * slots after the last one published. So a worker that starts after every worker was down finds the
 * slots missed meanwhile and catches them up with one backup of the newest, announced with the list
 * ({@code schedule.caught-up}); a new schedule starts with its next slot. While the previous slot's
 * backup is still running (its record is claimed, not final), no second one is published; the slots
 * that pass meanwhile become one backup once it has ended.
 */
public final class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class);
    /** The kind of the records that the scheduler reads to see a slot's backup still running. */
    private static final String KIND = "backup";

    /** Publishes a slot's command and returns once the broker has it. */
    public interface Publisher {
        void publish(SlotCommand command, Instant now);
    }

    private final Map<String, Cron> schedules;
    private final ArchiveStore store;
    private final Publisher publisher;
    private final Duration lateAfter;
    private final Duration staleAfter;
    private final String instance;
    private final Map<String, TargetState> states = new HashMap<>();

    /**
     * @param staleAfter a claimed record not updated for this long is no running job's (the job was
     *                   stopped or died and its command will not come back): the job timeout
     */
    public Scheduler(Map<String, Cron> schedules, ArchiveStore store, Publisher publisher, Duration lateAfter,
            Duration staleAfter, String instance) {
        this.staleAfter = staleAfter;
        this.schedules = Map.copyOf(schedules);
        this.store = store;
        this.publisher = publisher;
        this.lateAfter = lateAfter;
        this.instance = instance;
    }

    /**
     * Publishes every target's due slot as of {@code now}; returns what was published.
     *
     * @throws dev.shoehorn.backup.progress.EventsStoppedException when the worker stops mid-publish
     */
    public List<SlotCommand> tick(Instant now) {
        List<SlotCommand> published = new ArrayList<>();
        schedules.forEach((target, cron) -> {
            try {
                due(target, cron, now).ifPresent(published::add);
            } catch (JobFailedException e) {
                // storage cannot say what is due: nothing is published blind; the next tick asks again
                LOG.warnf("target=%s stage=schedule-unknown code=%s msg=\"%s\"", target, e.failure().code(),
                        e.failure().message());
            }
        });
        return published;
    }

    /**
     * The soonest slot after {@code now}; a slot held behind a running backup, or one whose state
     * storage could not give, is looked at again on the caller's regular tick.
     */
    public Instant nextSlot(Instant now) {
        return schedules.values().stream().map(cron -> cron.next(now)).min(Instant::compareTo)
                .orElse(now.plus(java.time.Duration.ofDays(1)));
    }

    private Optional<SlotCommand> due(String target, Cron cron, Instant now) {
        TargetState state = states.computeIfAbsent(target, t -> load(t, cron, now));
        List<Instant> due = cron.between(state.handledUntil, now, 1);
        if (due.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> running = previousRunning(target, state, now);
        if (running.isPresent()) {
            if (!state.held) {
                LOG.infof("target=%s stage=slot-held slot=%s previousJob=%s", target, due.get(0), running.get());
                state.held = true;
            }
            return Optional.empty();
        }
        Instant slot = due.get(0);
        Instant lateBefore = now.minus(lateAfter);
        List<Instant> missed = cron.between(state.handledUntil, lateBefore, SlotCommand.MAX_LISTED);
        long missedCount = missed.size() < SlotCommand.MAX_LISTED ? missed.size()
                : cron.countBetween(state.handledUntil, lateBefore);
        SlotCommand command = new SlotCommand(target, cron, slot, missed, missedCount,
                state.held ? SlotCommand.PREVIOUS_RUNNING : SlotCommand.NO_WORKER);
        publisher.publish(command, now);
        LOG.infof("target=%s stage=slot-published slot=%s command=%s missed=%d%s", target, slot, command.commandId(),
                missedCount, missedCount == 0 ? "" : " because=" + command.missedBecause());
        state.handledUntil = slot;
        state.published = true;
        state.held = false;
        save(target, cron, state, now);
        return Optional.of(command);
    }

    /**
     * The job of the last published slot's backup while it runs: claimed, not yet ended, and updated
     * within a job's timeout (an older claim is a job that was stopped or died, whose command expired).
     */
    private Optional<String> previousRunning(String target, TargetState state, Instant now) {
        if (!state.published) {
            return Optional.empty();
        }
        return store.findCommand(KIND, target, SlotCommand.commandIdOf(target, state.handledUntil).toString())
                .filter(r -> !r.state().isFinal())
                .filter(r -> r.updatedAt() != null && r.updatedAt().isAfter(now.minus(staleAfter)))
                .map(CommandRecord::jobId);
    }

    private TargetState load(String target, Cron cron, Instant now) {
        Optional<ScheduleState> stored = store.scheduleState(target);
        if (stored.isPresent()) {
            TargetState state = new TargetState(stored.get().handledUntil(), true);
            LOG.infof("target=%s stage=schedule-resumed schedule=\"%s\" handledUntil=%s", target, cron,
                    state.handledUntil);
            return state;
        }
        // A new schedule: slots within the lateness allowance still run, older ones never existed for it.
        TargetState state = new TargetState(now.minus(lateAfter), false);
        LOG.infof("target=%s stage=schedule-new schedule=\"%s\" next=%s", target, cron, cron.next(now));
        save(target, cron, state, now);
        return state;
    }

    private void save(String target, Cron cron, TargetState state, Instant now) {
        try {
            store.saveScheduleState(new ScheduleState(target, cron.expression(), cron.zone().getId(),
                    state.handledUntil, now, instance));
        } catch (JobFailedException e) {
            // kept here and written with the next slot; another replica's write may stand in meanwhile
            LOG.warnf("target=%s stage=schedule-state-not-written code=%s msg=\"%s\"", target, e.failure().code(),
                    e.failure().message());
        }
    }

    /** What this replica knows of a target's schedule. */
    private static final class TargetState {
        Instant handledUntil;
        /** Whether {@code handledUntil} is a slot whose command was published (not a new schedule's start). */
        boolean published;
        boolean held;

        TargetState(Instant handledUntil, boolean published) {
            this.handledUntil = handledUntil;
            this.published = published;
        }
    }
}
