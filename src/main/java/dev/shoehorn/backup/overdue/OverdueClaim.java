package dev.shoehorn.backup.overdue;

import java.time.Instant;

/**
 * The store's record that a breach was raised (or cleared, or that watching began): written with
 * If-None-Match, so that of every replica and restart one writes it first and emits its event.
 */
public record OverdueClaim(String target, String breach, Instant lastSuccessAt, String lastArchive,
        Instant overdueAt, Instant at, String by) {
}
