package dev.shoehorn.backup.backup;

import java.time.Instant;
import java.util.List;

/**
 * What a scheduler's backup command says of its slot ({@code schedule} in the command): which slot,
 * of which schedule, and the slots it catches up. It is the publisher's word, reported in events;
 * it changes nothing of what the backup does.
 */
public record ScheduledSlot(Instant slot, String expression, String zone, List<Instant> missed, long missedCount,
        String missedBecause) {

    public ScheduledSlot {
        missed = List.copyOf(missed);
    }

    public boolean catchesUp() {
        return missedCount > 0;
    }
}
