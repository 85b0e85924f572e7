package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.storage.DrillReports.DrillSummary;

class DrillReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOLDER = "p/.drills/t/";

    @Test
    void theNewestDrillsComeFirstByTheStampsTheirReportsAreNamedWith() {
        // Given three reports listed in no particular order, and a stray object in the folder
        Map<String, JsonNode> reports = Map.of(
                FOLDER + "20261101_020000_a.json", report(true, 1200L),
                FOLDER + "20261201_020000_c.json", report(false, null),
                FOLDER + "20261115_020000_b.json", report(true, 900L));
        List<String> keys = new ArrayList<>(reports.keySet());
        keys.add(FOLDER + "notes.txt");
        List<String> read = new ArrayList<>();

        // When the newest two are asked for
        List<DrillSummary> drills = DrillReports.newest(keys, 2, key -> {
            read.add(key);
            return Optional.ofNullable(reports.get(key));
        });

        // Then they are the December and mid-November drills, and no older report was read
        assertThat(drills).extracting(DrillSummary::report)
                .containsExactly(FOLDER + "20261201_020000_c.json", FOLDER + "20261115_020000_b.json");
        assertThat(read).hasSize(2);
        DrillSummary failed = drills.get(0);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.failedChecks()).containsExactly("restore");
        assertThat(failed.restoreMs()).isNull();
        assertThat(failed.startedAt()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        DrillSummary passed = drills.get(1);
        assertThat(passed.passed()).isTrue();
        assertThat(passed.failedChecks()).isEmpty();
        assertThat(passed.restoreMs()).isEqualTo(900L);
        assertThat(passed.rtoMs()).isEqualTo(3_600_000L);
        assertThat(passed.archiveKey()).isEqualTo("p/t/t_20261130_020000.dump.zst");
        assertThat(passed.errorCode()).isNull();
    }

    @Test
    void aDrillThatCouldNotRunSaysWhy() {
        // Given the report of a drill that found no archive: no checks, an error
        var report = JSON.createObjectNode().put("passed", false).put("rtoMs", 1000L)
                .put("startedAt", "2026-12-01T02:00:00Z");
        report.putArray("checks");
        report.putObject("error").put("code", "ARCHIVE_NOT_FOUND").put("message", "no complete archive of t exists");

        // When it is summed up
        DrillSummary drill = DrillSummary.of(FOLDER + "20261201_020000_x.json", report);

        // Then it failed, with no check to name and the code of why it could not run
        assertThat(drill.passed()).isFalse();
        assertThat(drill.failedChecks()).isEmpty();
        assertThat(drill.errorCode()).isEqualTo("ARCHIVE_NOT_FOUND");
        assertThat(drill.archiveKey()).isNull();
    }

    @Test
    void aReportThatCannotBeReadIsLeftOutAndTheNextOneShown() {
        // Given a newest report that is not JSON this version can read, and an older good one
        // and one whose time is no time
        List<String> keys = List.of(FOLDER + "20261201_020000_new.json", FOLDER + "20261115_020000_odd.json",
                FOLDER + "20261101_020000_old.json");

        // When the newest one is asked for
        List<DrillSummary> drills = DrillReports.newest(keys, 1, key -> {
            if (key.contains("_new")) {
                throw new IllegalArgumentException(key + " is not JSON");
            }
            return Optional.of(key.contains("_odd") ? report(true, 10L).put("startedAt", "yesterday") : report(true, 10L));
        });

        // Then the older, readable one is shown: a drill is never shown passed without its evidence
        assertThat(drills).extracting(DrillSummary::report).containsExactly(FOLDER + "20261101_020000_old.json");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode report(boolean passed, Long restoreMs) {
        var report = JSON.createObjectNode()
                .put("passed", passed)
                .put("rtoMs", 3_600_000L)
                .put("startedAt", "2026-12-01T02:00:00Z")
                .put("completedAt", "2026-12-01T02:00:05Z")
                .put("archiveKey", "p/t/t_20261130_020000.dump.zst");
        if (restoreMs != null) {
            report.put("restoreMs", restoreMs);
        }
        var checks = report.putArray("checks");
        checks.addObject().put("name", "restore").put("status", passed ? "passed" : "failed").put("detail", "x");
        checks.addObject().put("name", "rto").put("status", "skipped").put("detail", "x");
        return report;
    }
}
