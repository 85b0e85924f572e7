package dev.shoehorn.backup.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The backup command of one slot of a target's schedule. Its commandId is derived from (target,
 * slot time) alone, so every replica that publishes the slot publishes the same command, and the
 * idempotency record lets only the first run; the rest end {@code skipped}.
 *
 * @param missed    slots that passed without their backup, oldest first (at most {@link #MAX_LISTED}); this
 *                  one backup catches them up
 * @param missedCount how many slots were missed in all
 * @param missedBecause {@code no-worker} or {@code previous-running}
 */
public record SlotCommand(String target, Cron cron, Instant slot, List<Instant> missed, long missedCount,
        String missedBecause) {

    /** Most missed slots a command lists; {@code missedCount} counts all. */
    public static final int MAX_LISTED = 100;

    public static final String REQUESTED_BY = "scheduler";
    public static final String NO_WORKER = "no-worker";
    public static final String PREVIOUS_RUNNING = "previous-running";

    public SlotCommand {
        missed = List.copyOf(missed);
    }

    /** The commandId of a target's backup slot, the same on every replica. */
    public static UUID commandIdOf(String target, Instant slot) {
        return slotId("schedule", target, slot);
    }

    /** The commandId of a target's drill slot, the same on every replica. */
    public static UUID drillCommandIdOf(String target, Instant slot) {
        return slotId("drill", target, slot);
    }

    /**
     * The commandId of a slot of one of a target's schedules ({@code schedule} for backups,
     * {@code drill} for drills): a name-based UUID of (schedule, target, slot), the same on every replica.
     */
    private static UUID slotId(String schedule, String target, Instant slot) {
        return UUID.nameUUIDFromBytes(("backup-worker/" + schedule + "/" + target + "/" + slot)
                .getBytes(StandardCharsets.UTF_8));
    }

    public UUID commandId() {
        return commandIdOf(target, slot);
    }

    /** The command's value, as the contract's backup command with the slot's details. */
    public Value value(Instant requestedAt) {
        String reason = missed.isEmpty()
                ? "scheduled slot " + slot + " (" + cron + ")"
                : "scheduled slot " + slot + " (" + cron + "), catching up " + missedCount + " missed slot"
                        + (missedCount == 1 ? "" : "s");
        return new Value(commandId(), target, REQUESTED_BY, reason, requestedAt,
                new Value.Schedule(slot, cron.expression(), cron.zone().getId(), missed.isEmpty() ? null : missed,
                        missed.isEmpty() ? null : missedCount, missed.isEmpty() ? null : missedBecause));
    }

    /** The JSON of a scheduled backup command. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Value(UUID commandId, String target, String requestedBy, String reason, Instant requestedAt,
            Schedule schedule) {

        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Schedule(Instant slot, String expression, String zone, List<Instant> missed, Long missedCount,
                String missedBecause) {
        }
    }
}
