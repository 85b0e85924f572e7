package dev.shoehorn.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.it.CliRun;

class SchedulePreviewTest {

    private static final Map<String, String> BERLIN = Map.of(
            "backup.targets.shoehorn.host", "db", "backup.targets.shoehorn.database", "shoehorn",
            "backup.targets.shoehorn.user", "backup",
            "backup.targets.shoehorn.schedule", "30 2 * * *",
            "backup.targets.shoehorn.schedule-zone", "Europe/Berlin",
            "backup.targets.scratch.host", "db", "backup.targets.scratch.database", "scratch",
            "backup.targets.scratch.user", "backup",
            "backup.targets.scratch.schedule", "off");

    @Test
    void previewShowsTheNextRunsAsTheWorkerReadsThemAcrossADaylightSavingNight() {
        // When the runs from the evening before Berlin's 2027 spring-forward are previewed
        CliRun run = CliRun.of(BERLIN, "schedule", "preview", "shoehorn", "--count", "3", "--from",
                "2027-03-26T12:00:00Z", "--json");

        // Then each is listed in the zone and in UTC, the skipped 02:30 once, at the jump
        assertThat(run.exit()).isZero();
        assertThat(run.json()).extracting(j -> j.path("slot").asText()).containsExactly("2027-03-27T01:30:00Z",
                "2027-03-28T01:00:00Z", "2027-03-29T00:30:00Z");
        assertThat(run.json()).extracting(j -> j.path("local").asText()).containsExactly("2027-03-27T02:30+01:00",
                "2027-03-28T03:00+02:00", "2027-03-29T02:30+02:00");
    }

    @Test
    void theDefaultIsTheGuidesTwoOClockAndTextIsATable() {
        CliRun run = CliRun.of(Map.of("backup.targets.shoehorn.host", "db", "backup.targets.shoehorn.database", "s",
                "backup.targets.shoehorn.user", "u"), "schedule", "preview", "shoehorn", "--count", "2");

        assertThat(run.exit()).isZero();
        assertThat(run.lines().get(0)).isEqualTo("target shoehorn: 0 2 * * * in UTC");
        assertThat(run.lines()).hasSize(4).allSatisfy(l -> assertThat(l).doesNotContain("\u001b"));
        assertThat(run.lines().get(2)).contains("02:00 +00:00");
    }

    @Test
    void aTargetWithoutAScheduleSaysSoAndAnUnknownOrBadOneIsAUsageError() {
        assertThat(CliRun.of(BERLIN, "schedule", "preview", "scratch").out()).contains("has no schedule (off)");
        CliRun unknown = CliRun.of(BERLIN, "schedule", "preview", "nosuch");
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("nosuch is not configured");
        Map<String, String> bad = new java.util.HashMap<>(BERLIN);
        bad.put("backup.targets.shoehorn.schedule", "0 1 * * * *");
        CliRun invalid = CliRun.of(bad, "schedule", "preview", "shoehorn");
        assertThat(invalid.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(invalid.err()).contains("backup.targets.shoehorn.schedule", "6 fields");
    }
}
