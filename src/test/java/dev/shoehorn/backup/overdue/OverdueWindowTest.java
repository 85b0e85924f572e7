package dev.shoehorn.backup.overdue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.schedule.Cron;

class OverdueWindowTest {

    private static final Duration GRACE = Duration.ofHours(1);

    @Test
    void aNightlyTargetIsOverdueAnHourAfterTheNextNightsSlot() {
        Instant since = Instant.parse("2026-12-03T02:05:00Z");

        Duration window = OverdueWindow.of(Optional.of(Cron.parse("0 2 * * *", "UTC")), Optional.empty(), GRACE, since)
                .orElseThrow();

        assertThat(OverdueWindow.overdueAt(since, window)).isEqualTo(Instant.parse("2026-12-04T03:05:00Z"));
    }

    @Test
    void aWeekdayTargetBackedUpOnFridayIsNotOverdueOverTheWeekend() {
        // Given the last good backup on Friday 2026-12-04
        Instant since = Instant.parse("2026-12-04T02:05:00Z");

        // When its window is asked for
        Duration window = OverdueWindow.of(Optional.of(Cron.parse("0 2 * * MON-FRI", "UTC")), Optional.empty(), GRACE,
                since).orElseThrow();

        // Then it runs to Monday's slot plus the grace
        assertThat(OverdueWindow.overdueAt(since, window)).isEqualTo(Instant.parse("2026-12-07T03:05:00Z"));
    }

    @Test
    void aMonthlyTargetGetsTheLengthOfItsMonth() {
        Cron monthly = Cron.parse("0 2 1 * *", "UTC");

        Instant afterFebruary = OverdueWindow.overdueAt(Instant.parse("2027-02-01T02:05:00Z"),
                OverdueWindow.of(Optional.of(monthly), Optional.empty(), GRACE, Instant.parse("2027-02-01T02:05:00Z"))
                        .orElseThrow());
        Instant afterMarch = OverdueWindow.overdueAt(Instant.parse("2027-03-01T02:05:00Z"),
                OverdueWindow.of(Optional.of(monthly), Optional.empty(), GRACE, Instant.parse("2027-03-01T02:05:00Z"))
                        .orElseThrow());

        assertThat(afterFebruary).isEqualTo(Instant.parse("2027-03-01T03:05:00Z"));
        assertThat(afterMarch).isEqualTo(Instant.parse("2027-04-01T03:05:00Z"));
    }

    @Test
    void overdueAfterWinsAndATargetWithNeitherIsNotWatched() {
        assertThat(OverdueWindow.of(Optional.of(Cron.parse("@daily", "UTC")), Optional.of(Duration.ofHours(30)), GRACE,
                Instant.EPOCH)).contains(Duration.ofHours(30));
        assertThat(OverdueWindow.of(Optional.empty(), Optional.empty(), GRACE, Instant.EPOCH)).isEmpty();
    }
}
