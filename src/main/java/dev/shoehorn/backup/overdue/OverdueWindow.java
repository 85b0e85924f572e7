package dev.shoehorn.backup.overdue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.shoehorn.backup.schedule.Cron;

/**
 * How long a target may go without a completed backup: {@code overdue-after} where configured, else
 * the schedule's period at the time asked (the gap between its last two slots, so a weekday schedule
 * allows Friday to Monday) plus a grace for the backup to run. Pure: the watchdog and the CLI's
 * {@code status} compile the same rule.
 */
public final class OverdueWindow {

    private OverdueWindow() {
    }

    /** The window at {@code now}; empty for a target without a schedule or an {@code overdue-after}. */
    public static Optional<Duration> of(Optional<Cron> schedule, Optional<Duration> overdueAfter, Duration grace,
            Instant now) {
        if (overdueAfter.isPresent()) {
            return overdueAfter;
        }
        return schedule.map(cron -> cron.periodAt(now).plus(grace));
    }

    /**
     * When a target whose last backup completed at {@code since} (or which has been watched since then,
     * having none) is, or was, overdue.
     */
    public static Instant overdueAt(Instant since, Duration window) {
        return since.plus(window);
    }
}
