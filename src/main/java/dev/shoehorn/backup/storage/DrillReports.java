package dev.shoehorn.backup.storage;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A target's restore drills as the status views show them, read from the reports the drills store
 * under {@code <prefix>/.drills/<target>/}: the store, not the progress topic, so that a quarterly
 * drill is still shown long after its events have left the topic and the page's history. It needs
 * nothing but the JDK and Jackson's tree, so the worker's page and the CLI's {@code status} both
 * compile it.
 */
public final class DrillReports {

    private DrillReports() {
    }

    /**
     * One drill, in short.
     *
     * @param report the key of its report
     * @param restoreMs how long the restore took, or null when it did not restore
     * @param failedChecks the names of the checks that failed (none when it passed)
     * @param errorCode why the drill could not run (no archive, the server unreachable), or null when it ran
     */
    public record DrillSummary(String report, Instant startedAt, Instant completedAt, boolean passed, Long restoreMs,
            long rtoMs, List<String> failedChecks, String archiveKey, String errorCode) {

        /** Of a report read as a JSON tree. */
        public static DrillSummary of(String reportKey, JsonNode report) {
            List<String> failed = new ArrayList<>();
            report.path("checks").forEach(check -> {
                if ("failed".equals(check.path("status").asText())) {
                    failed.add(check.path("name").asText());
                }
            });
            JsonNode restoreMs = report.path("restoreMs");
            return new DrillSummary(reportKey, instant(report.path("startedAt")), instant(report.path("completedAt")),
                    report.path("passed").asBoolean(false), restoreMs.isNumber() ? restoreMs.asLong() : null,
                    report.path("rtoMs").asLong(), List.copyOf(failed), report.path("archiveKey").asText(null),
                    report.path("error").path("code").asText(null));
        }
    }

    /**
     * The newest {@code newest} drills of the reports among {@code keys} (a listing of the target's
     * drill folder), newest first: report names begin with the drill's UTC stamp. A report that cannot
     * be read is left out, as a drill whose evidence is lost cannot be shown as passed.
     */
    public static List<DrillSummary> newest(Collection<String> keys, int newest,
            Function<String, Optional<JsonNode>> read) {
        List<DrillSummary> drills = new ArrayList<>();
        for (String key : keys.stream().filter(k -> k.endsWith(".json")).sorted(Comparator.reverseOrder()).toList()) {
            if (drills.size() == newest) {
                break;
            }
            try {
                read.apply(key).ifPresent(report -> drills.add(DrillSummary.of(key, report)));
            } catch (IllegalArgumentException | DateTimeException e) {
                // not a report this version can read; the next one may be
            }
        }
        return drills;
    }

    private static Instant instant(JsonNode value) {
        return value.isTextual() ? Instant.parse(value.asText()) : null;
    }
}
