package dev.shoehorn.backup.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.shoehorn.backup.failure.ErrorCode;

/**
 * Old commands never run: a new consumer group, lost offsets or a replayed topic would otherwise
 * re-run last month's restore. A command's age is judged by its record's timestamp, or by its
 * signed {@code requestedAt} when it is signed (a time its publisher vouches for).
 */
public final class Freshness {

    private final Clock clock;
    private final Duration clockSkew;

    public Freshness(Clock clock, Duration clockSkew) {
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /**
     * @param issued when the command was made: its record's timestamp, or its signed requestedAt
     * @throws RejectedException EXPIRED when older than {@code maxAge}, or INVALID_FIELD when too far ahead
     */
    public void check(Command command, Instant issued, Duration maxAge, String kind) {
        Instant now = clock.instant();
        if (issued == null || issued.toEpochMilli() < 0) {
            throw RejectedException.of(command, ErrorCode.EXPIRED,
                    "the record carries no timestamp, so its age cannot be told");
        }
        Duration age = Duration.between(issued, now);
        if (age.compareTo(maxAge) > 0) {
            throw RejectedException.of(command, ErrorCode.EXPIRED, "the command was issued at " + issued + ", "
                    + age.toMinutes() + " min ago, more than backup.commands." + kind + "-max-age=" + maxAge
                    + "; publish a new command (with a new commandId) to run it now");
        }
        if (age.negated().compareTo(clockSkew) > 0) {
            throw RejectedException.of(command, ErrorCode.INVALID_FIELD, "the command was issued at " + issued
                    + ", later than now plus backup.commands.clock-skew=" + clockSkew);
        }
    }
}
