package dev.shoehorn.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CronTest {

    @Test
    void theGuidesScheduleRunsAtTwoEveryNightInUtc() {
        // Given the default schedule
        Cron cron = Cron.parse("0 2 * * *", "UTC");

        // When the runs after an afternoon are asked for
        List<Instant> runs = runs(cron, Instant.parse("2026-12-04T15:00:00Z"), 3);

        // Then they are 02:00 UTC on the next three days
        assertThat(runs).containsExactly(Instant.parse("2026-12-05T02:00:00Z"), Instant.parse("2026-12-06T02:00:00Z"),
                Instant.parse("2026-12-07T02:00:00Z"));
    }

    @Test
    void macrosNamesListsRangesAndStepsReadAsInVixieCron() {
        assertThat(Cron.parse("@hourly", "UTC").next(Instant.parse("2026-12-04T15:20:00Z")))
                .isEqualTo(Instant.parse("2026-12-04T16:00:00Z"));
        assertThat(Cron.parse("@daily", "UTC").next(Instant.parse("2026-12-04T15:20:00Z")))
                .isEqualTo(Instant.parse("2026-12-05T00:00:00Z"));
        assertThat(Cron.parse("@weekly", "UTC").next(Instant.parse("2026-12-04T15:20:00Z")))
                .isEqualTo(Instant.parse("2026-12-06T00:00:00Z")); // a Sunday
        assertThat(Cron.parse("@monthly", "UTC").next(Instant.parse("2026-12-04T15:20:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(Cron.parse("@yearly", "UTC").next(Instant.parse("2026-12-04T15:20:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        // weekdays at 06:30 and 18:30, by name
        assertThat(runs(Cron.parse("30 6,18 * * MON-FRI", "UTC"), Instant.parse("2026-12-04T07:00:00Z"), 3))
                .containsExactly(Instant.parse("2026-12-04T18:30:00Z"), Instant.parse("2026-12-07T06:30:00Z"),
                        Instant.parse("2026-12-07T18:30:00Z"));
        // every 20 minutes from minute 5; 7 is Sunday
        assertThat(runs(Cron.parse("5/20 * * * 7", "UTC"), Instant.parse("2026-12-06T00:00:00Z"), 4))
                .containsExactly(Instant.parse("2026-12-06T00:05:00Z"), Instant.parse("2026-12-06T00:25:00Z"),
                        Instant.parse("2026-12-06T00:45:00Z"), Instant.parse("2026-12-06T01:05:00Z"));
        // both day fields restricted: a day matching either runs (the 1st, and every Monday)
        assertThat(runs(Cron.parse("0 0 1 * MON", "UTC"), Instant.parse("2026-12-29T00:00:00Z"), 3))
                .containsExactly(Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2027-01-04T00:00:00Z"),
                        Instant.parse("2027-01-11T00:00:00Z"));
    }

    @Test
    void aTimeSkippedBySpringForwardRunsOnceAtTheJump() {
        // Given 02:30 every day in New York, where 2026-03-08 goes from 02:00 EST straight to 03:00 EDT
        Cron cron = Cron.parse("30 2 * * *", "America/New_York");

        // When the runs around that night are listed
        List<Instant> runs = runs(cron, Instant.parse("2026-03-06T12:00:00Z"), 4);

        // Then the skipped night runs once, when the clocks jump, and every other night at 02:30
        assertThat(runs).containsExactly(
                zoned("2026-03-07T02:30-05:00[America/New_York]"),
                zoned("2026-03-08T03:00-04:00[America/New_York]"),
                zoned("2026-03-09T02:30-04:00[America/New_York]"),
                zoned("2026-03-10T02:30-04:00[America/New_York]"));
    }

    @Test
    void severalSkippedTimesMergeIntoTheOneRunAtTheJump() {
        // Given every 15 minutes in Berlin, where 2026-03-29 skips 02:00–03:00
        Cron cron = Cron.parse("*/15 * * * *", "Europe/Berlin");

        // When the runs from 01:30 are listed
        List<Instant> runs = runs(cron, zoned("2026-03-29T01:30+01:00[Europe/Berlin]"), 4);

        // Then the skipped hour is one run at 03:00, then the schedule goes on
        assertThat(runs).containsExactly(
                zoned("2026-03-29T01:45+01:00[Europe/Berlin]"),
                zoned("2026-03-29T03:00+02:00[Europe/Berlin]"),
                zoned("2026-03-29T03:15+02:00[Europe/Berlin]"),
                zoned("2026-03-29T03:30+02:00[Europe/Berlin]"));
    }

    @Test
    void aTimeRepeatedByFallBackRunsOnceOnItsFirstPass() {
        // Given 01:30 every day in New York, where 2026-11-01 has 01:00–02:00 twice (EDT, then EST)
        Cron daily = Cron.parse("30 1 * * *", "America/New_York");
        // and every 30 minutes in the same zone
        Cron halfHourly = Cron.parse("*/30 * * * *", "America/New_York");

        // When the runs around that night are listed
        List<Instant> nights = runs(daily, Instant.parse("2026-10-31T12:00:00Z"), 3);
        List<Instant> night = runs(halfHourly, zoned("2026-11-01T00:45-04:00[America/New_York]"), 4);

        // Then the daily run happens once that night, on the first 01:30
        assertThat(nights).containsExactly(
                zoned("2026-11-01T01:30-04:00[America/New_York]"),
                zoned("2026-11-02T01:30-05:00[America/New_York]"),
                zoned("2026-11-03T01:30-05:00[America/New_York]"));
        // and the repeated hour's times run once each: 01:00 and 01:30 on the first pass, then 02:00 EST
        assertThat(night).containsExactly(
                zoned("2026-11-01T01:00-04:00[America/New_York]"),
                zoned("2026-11-01T01:30-04:00[America/New_York]"),
                zoned("2026-11-01T02:00-05:00[America/New_York]"),
                zoned("2026-11-01T02:30-05:00[America/New_York]"));
    }

    @Test
    void aDailyScheduleRunsOnceEveryLocalDayOfAYearWithBothChanges() {
        // Given the default time in a zone with both changes in the small hours
        Cron cron = Cron.parse("30 2 * * *", "Europe/Berlin");

        // When a whole year of runs is listed
        List<Instant> runs = runs(cron, zoned("2026-01-01T00:00+01:00[Europe/Berlin]"), 365);

        // Then there is one per local day, none missing and none twice
        assertThat(runs.stream().map(r -> r.atZone(cron.zone()).toLocalDate()).distinct()).hasSize(365);
    }

    @Test
    void theSlotsMissedInAWindowAreListedOldestFirstAndBounded() {
        // Given an hourly schedule
        Cron cron = Cron.parse("0 * * * *", "UTC");

        // When the slots of a five-hour window are asked for, in full and at most three
        List<Instant> all = cron.between(Instant.parse("2026-12-04T10:00:00Z"), Instant.parse("2026-12-04T15:00:00Z"),
                100);
        List<Instant> newest = cron.between(Instant.parse("2026-12-04T10:00:00Z"),
                Instant.parse("2026-12-04T15:30:00Z"), 3);

        // Then the window excludes its start and includes its end, and the bound keeps the newest
        assertThat(all).containsExactly(Instant.parse("2026-12-04T11:00:00Z"), Instant.parse("2026-12-04T12:00:00Z"),
                Instant.parse("2026-12-04T13:00:00Z"), Instant.parse("2026-12-04T14:00:00Z"),
                Instant.parse("2026-12-04T15:00:00Z"));
        assertThat(newest).containsExactly(Instant.parse("2026-12-04T13:00:00Z"),
                Instant.parse("2026-12-04T14:00:00Z"), Instant.parse("2026-12-04T15:00:00Z"));
        assertThat(cron.countBetween(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-04T15:30:00Z")))
                .isEqualTo(3 * 24 + 5);
        assertThat(cron.latestAtOrBefore(Instant.parse("2026-12-04T15:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-04T15:00:00Z"));
        assertThat(cron.periodAt(Instant.parse("2026-12-04T15:30:00Z"))).isEqualTo(Duration.ofHours(1));
        assertThat(Cron.parse("0 2 * * MON-FRI", "UTC").periodAt(Instant.parse("2026-12-07T03:00:00Z")))
                .as("Monday's run follows Friday's").isEqualTo(Duration.ofDays(3));
    }

    @Test
    void badExpressionsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> Cron.parse("0 1 * * * *", "UTC")).hasMessageContaining("6 fields")
                .hasMessageContaining("no seconds");
        assertThatThrownBy(() -> Cron.parse("0 24 * * *", "UTC")).hasMessageContaining("hour '24'");
        assertThatThrownBy(() -> Cron.parse("0 2 * FOO *", "UTC")).hasMessageContaining("month 'FOO'");
        assertThatThrownBy(() -> Cron.parse("0 2 5-1 * *", "UTC")).hasMessageContaining("runs backwards");
        assertThatThrownBy(() -> Cron.parse("*/0 2 * * *", "UTC")).hasMessageContaining("minute '0'");
        assertThatThrownBy(() -> Cron.parse("0 0 30 2 *", "UTC")).hasMessageContaining("never runs");
        assertThatThrownBy(() -> Cron.parse("@reboot", "UTC")).hasMessageContaining("not a known macro");
        assertThatThrownBy(() -> Cron.parse("0 2 * * *", "Mars/Olympus")).hasMessageContaining("IANA time zone");
        assertThat(Cron.parse("0 0 29 2 *", "UTC").next(Instant.parse("2026-12-04T00:00:00Z")))
                .as("a leap day is rare, not never").isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
    }

    private static List<Instant> runs(Cron cron, Instant after, int count) {
        List<Instant> runs = new ArrayList<>();
        Instant at = after;
        for (int i = 0; i < count; i++) {
            at = cron.next(at);
            runs.add(at);
        }
        return runs;
    }

    private static Instant zoned(String text) {
        return ZonedDateTime.parse(text).toInstant();
    }
}
