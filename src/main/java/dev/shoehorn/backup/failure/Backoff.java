package dev.shoehorn.backup.failure;

import java.time.Duration;

/** Exponential backoff between attempts of one job. */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max");
        }
    }

    /** Wait before {@code nextAttempt} (2 for the first retry). */
    public Duration before(int nextAttempt) {
        int doublings = Math.max(0, Math.min(nextAttempt - 2, 30));
        Duration wait = initial.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
