package dev.shoehorn.backup.overdue;

import java.time.Duration;
import java.time.Instant;

/**
 * Where one target stands, as the watchdog last saw it.
 *
 * @param lastSuccessAt when its newest complete archive was completed, or null when it has none
 * @param lastArchive that archive's key, or null
 * @param window how long it may go without one, or null when it is not watched
 * @param overdueAt when it is (or was) overdue, or null when it is not watched
 * @param nextRun its next scheduled backup, or null without a schedule
 */
public record TargetHealth(String target, Instant lastSuccessAt, String lastArchive, Duration window,
        Instant overdueAt, boolean overdue, Instant nextRun, Instant checkedAt) {

    /** Seconds since the last completed backup as of {@code now}, or NaN when there is none. */
    public double ageSeconds(Instant now) {
        return lastSuccessAt == null ? Double.NaN : Duration.between(lastSuccessAt, now).toMillis() / 1000.0;
    }
}
