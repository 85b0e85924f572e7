package dev.shoehorn.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.retention.RetentionPlan.Candidate;
import dev.shoehorn.backup.retention.RetentionPlan.Decision;

class RetentionPlanTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final RetentionRules GUIDE = new RetentionRules(3, Duration.ofDays(14), 0, 0, 0);
    private static final Duration GRACE = Duration.ofHours(24);

    @Test
    void theGuidesFourteenDaysKeepTheNewestThreeAndEverythingYounger() {
        // Given a nightly archive for the last 21 days
        List<Candidate> archives = new ArrayList<>();
        for (int day = 0; day <= 20; day++) {
            archives.add(complete(NOW.minus(Duration.ofDays(day)).minusSeconds(3600)));
        }

        // When the guide's rules are applied
        Map<String, String> reasons = reasons(RetentionPlan.plan(archives, GUIDE, GRACE, Set.of(), NOW));

        // Then the newest three are kept as such, the rest of the last 14 days for their age, and older ones go
        assertThat(reasons.get(key(0))).isEqualTo("newest-complete");
        assertThat(reasons.get(key(1))).isEqualTo("keep-last");
        assertThat(reasons.get(key(2))).isEqualTo("keep-last");
        assertThat(reasons.get(key(13))).isEqualTo("within-max-age");
        assertThat(reasons.get(key(14))).isEqualTo("delete:older-than-max-age");
        assertThat(reasons.values().stream().filter(r -> r.startsWith("delete")).count()).isEqualTo(7);
    }

    @Test
    void aRunOfFailuresNeverCostsTheLastGoodBackup() {
        // Given one complete archive from 40 days ago, then only incomplete ones, one of them being written now
        List<Candidate> archives = List.of(
                complete(NOW.minus(Duration.ofDays(40))),
                incomplete(NOW.minus(Duration.ofDays(20)), "no-manifest"),
                incomplete(NOW.minus(Duration.ofDays(2)), "size-mismatch"),
                incomplete(NOW.minus(Duration.ofMinutes(5)), "no-manifest"),
                new Candidate("backups/t/t_20261120_020000.dump", NOW.minus(Duration.ofDays(14)), false, true,
                        "archive-missing"));

        // When even the strictest rules are applied
        List<Decision> plan = RetentionPlan.plan(archives, new RetentionRules(1, Duration.ofDays(1), 0, 0, 0), GRACE,
                Set.of(), NOW);

        // Then the old complete archive stays, old incomplete ones and the orphan manifest go, the running one stays
        assertThat(plan).extracting(d -> d.archive().madeAt().toString() + " " + (d.delete() ? "delete " : "keep ")
                + d.reason()).containsExactly(
                        "2026-12-04T11:55:00Z keep incomplete-within-grace",
                        "2026-12-02T12:00:00Z delete incomplete:size-mismatch",
                        "2026-11-20T12:00:00Z delete orphan-manifest",
                        "2026-11-14T12:00:00Z delete incomplete:no-manifest",
                        "2026-10-25T12:00:00Z keep newest-complete");
    }

    @Test
    void grandfatherFatherSonKeepsTheNewestOfEachDayWeekAndMonth() {
        // Given four archives a day for 100 days
        List<Candidate> archives = new ArrayList<>();
        for (int hour = 0; hour < 100 * 24; hour += 6) {
            archives.add(complete(NOW.minus(Duration.ofHours(hour))));
        }

        // When 7 daily, 4 weekly and 3 monthly are kept besides the newest one, and nothing else is young enough
        Map<String, Long> kept = RetentionPlan.plan(archives, new RetentionRules(1, Duration.ofHours(1), 7, 4, 3),
                GRACE, Set.of(), NOW).stream().filter(d -> !d.delete())
                .collect(Collectors.groupingBy(Decision::reason, Collectors.counting()));

        // Then one per period is kept, each for the first reason that applies: on Friday 2026-12-04 the last
        // six days' newest are daily ones; of the weeks, the one before is covered by them, the two before
        // that are weekly; of the months, November is covered, October is monthly
        assertThat(kept).containsExactlyInAnyOrderEntriesOf(Map.of("newest-complete", 1L, "daily", 6L, "weekly", 2L,
                "monthly", 1L));
    }

    @Test
    void anArchiveThatARunningRestoreReadsIsKeptWhateverTheRules() {
        // Given the guide's 21 nightly archives, a restore reading the 20-day-old one, a manifest whose
        // archive is gone named by another, and an old incomplete archive that nobody reads
        List<Candidate> archives = new ArrayList<>();
        for (int day = 0; day <= 20; day++) {
            archives.add(complete(NOW.minus(Duration.ofDays(day)).minusSeconds(3600)));
        }
        Candidate orphan = new Candidate("backups/t/orphan", NOW.minus(Duration.ofDays(30)), false, true,
                "archive-missing");
        archives.add(orphan);
        archives.add(incomplete(NOW.minus(Duration.ofDays(25)), "no-manifest"));

        // When the guide's rules are applied
        Map<String, String> reasons = reasons(RetentionPlan.plan(archives, GUIDE, GRACE,
                Set.of(key(20), orphan.archiveKey()), NOW));

        // Then what the restores read stays, saying why, and the rest goes as the rules say
        assertThat(reasons.get(key(20))).isEqualTo("in-use-by-restore");
        assertThat(reasons.get(orphan.archiveKey())).isEqualTo("in-use-by-restore");
        assertThat(reasons.get(key(19))).isEqualTo("delete:older-than-max-age");
        assertThat(reasons.get("backups/t/" + NOW.minus(Duration.ofDays(25)))).isEqualTo("delete:incomplete:no-manifest");
        assertThat(reasons.get(key(0))).isEqualTo("newest-complete");
    }

    private static Map<String, String> reasons(List<Decision> plan) {
        return plan.stream().collect(Collectors.toMap(d -> d.archive().archiveKey(),
                d -> (d.delete() ? "delete:" : "") + d.reason()));
    }

    private static String key(int daysAgo) {
        return "backups/t/" + NOW.minus(Duration.ofDays(daysAgo)).minusSeconds(3600);
    }

    private static Candidate complete(Instant at) {
        return new Candidate("backups/t/" + at, at, true, true, null);
    }

    private static Candidate incomplete(Instant at, String problem) {
        return new Candidate("backups/t/" + at, at, true, problem.equals("size-mismatch"), problem);
    }
}
