package dev.shoehorn.backup.overdue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.shoehorn.backup.schedule.Cron;

/**
 * How long a target may go without a completed backup: {@code overdue-after} where configured, else
 * the gap between the last good backup and the first slot after it (so a weekday schedule allows
 * Friday to Monday, a monthly one the length of that month) plus a grace for the backup to run.
 * Pure: the watchdog and the CLI's {@code status} compile the same rule.
 */
public final class OverdueWindow {

    private OverdueWindow() {
    }

    /**
     * The window of a target whose last good backup completed at {@code since} (or which has been
     * watched since then, having none): the period of the first slot after it, plus the grace; empty
     * for a target without a schedule or an {@code overdue-after}.
     */
    public static Optional<Duration> of(Optional<Cron> schedule, Optional<Duration> overdueAfter, Duration grace,
            Instant since) {
        if (overdueAfter.isPresent()) {
            return overdueAfter;
        }
        return schedule.map(cron -> cron.periodAt(cron.next(since)).plus(grace));
    }

    /**
     * When a target whose last backup completed at {@code since} (or which has been watched since then,
     * having none) is, or was, overdue.
     */
    public static Instant overdueAt(Instant since, Duration window) {
        return since.plus(window);
    }
}
