package dev.shoehorn.backup.storage;

import java.time.Instant;

/**
 * Where one target's backup schedule stands, kept in object storage so that every replica and a
 * restarted worker agree: the newest slot whose command was published (or, for a new schedule, when it was first seen), and the schedule it was
 * read from. Slots after it that have passed are due.
 */
public record ScheduleState(String target, String expression, String zone, Instant handledUntil, Instant updatedAt,
        String updatedBy) {
}
