package dev.shoehorn.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides, for each archive in a target's folder, whether retention keeps or deletes it and why. Pure:
 * the worker's pruner and the CLI's {@code prune} dry run compile the same rules.
 *
 * <p>Only complete archives (a manifest that describes them) count toward the rules, and the newest of
 * them is never deleted, however old: a run of failed backups never leaves a target without one.
 * An incomplete archive is deleted only once it is older than the grace period (until then it may
 * be a running job's), together with whatever manifest lies beside it; a manifest without its
 * archive can never be restored and goes at once. Whatever the rules say, an archive that a running
 * restore or drill reads is kept until it has ended.
 */
public final class RetentionPlan {

    /** Why an archive is kept or deleted; stable strings, as events carry them. */
    public static final String NEWEST_COMPLETE = "newest-complete";
    public static final String KEEP_LAST = "keep-last";
    public static final String DAILY = "daily";
    public static final String WEEKLY = "weekly";
    public static final String MONTHLY = "monthly";
    public static final String WITHIN_MAX_AGE = "within-max-age";
    public static final String INCOMPLETE_WITHIN_GRACE = "incomplete-within-grace";
    public static final String IN_USE_BY_RESTORE = "in-use-by-restore";
    public static final String OLDER_THAN_MAX_AGE = "older-than-max-age";
    public static final String INCOMPLETE = "incomplete";
    public static final String ORPHAN_MANIFEST = "orphan-manifest";

    private RetentionPlan() {
    }

    /**
     * An archive of the folder: its key, when it was made (its name's stamp), whether the archive object
     * and its manifest are there, and why it is incomplete (null when complete).
     */
    public record Candidate(String archiveKey, Instant madeAt, boolean archivePresent, boolean manifestPresent,
            String problem) {

        boolean complete() {
            return problem == null;
        }
    }

    /** What happens to one archive: its objects are deleted (the manifest first) or all kept. */
    public record Decision(Candidate archive, boolean delete, String reason) {
    }

    /**
     * @param inUse the archives that running restores and drills read: kept whatever the rules say
     */
    public static List<Decision> plan(List<Candidate> archives, RetentionRules rules, Duration incompleteGrace,
            Set<String> inUse, Instant now) {
        List<Candidate> complete = archives.stream().filter(Candidate::complete)
                .sorted(Comparator.comparing(Candidate::madeAt).reversed()).toList();
        Map<String, String> keptBecause = new LinkedHashMap<>();
        for (int i = 0; i < complete.size(); i++) {
            Candidate c = complete.get(i);
            if (i == 0) {
                keptBecause.put(c.archiveKey(), NEWEST_COMPLETE);
            } else if (i < rules.keepLast()) {
                keptBecause.put(c.archiveKey(), KEEP_LAST);
            }
        }
        keepNewestPer(complete, rules.keepDaily(), c -> LocalDate.ofInstant(c.madeAt(), ZoneOffset.UTC), DAILY,
                keptBecause);
        keepNewestPer(complete, rules.keepWeekly(), c -> {
            LocalDate day = LocalDate.ofInstant(c.madeAt(), ZoneOffset.UTC);
            return day.get(IsoFields.WEEK_BASED_YEAR) * 100 + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }, WEEKLY, keptBecause);
        keepNewestPer(complete, rules.keepMonthly(), c -> YearMonth.from(c.madeAt().atZone(ZoneOffset.UTC)), MONTHLY,
                keptBecause);
        Instant oldest = now.minus(rules.maxAge());
        Instant graceEnd = now.minus(incompleteGrace);
        List<Decision> decisions = new ArrayList<>();
        for (Candidate c : archives.stream().sorted(Comparator.comparing(Candidate::madeAt).reversed()).toList()) {
            Decision decision = decide(c, keptBecause.get(c.archiveKey()), oldest, graceEnd);
            decisions.add(decision.delete() && inUse.contains(c.archiveKey())
                    ? new Decision(c, false, IN_USE_BY_RESTORE) : decision);
        }
        return decisions;
    }

    /** What the rules say of one archive; {@code kept} is why they keep it when it is complete, or null. */
    private static Decision decide(Candidate c, String kept, Instant oldest, Instant graceEnd) {
        if (c.complete()) {
            String reason = kept == null && !c.madeAt().isBefore(oldest) ? WITHIN_MAX_AGE : kept;
            return new Decision(c, reason == null, reason == null ? OLDER_THAN_MAX_AGE : reason);
        }
        if (!c.archivePresent()) {
            return new Decision(c, true, ORPHAN_MANIFEST);
        }
        if (c.madeAt().isBefore(graceEnd)) {
            return new Decision(c, true, INCOMPLETE + ":" + c.problem());
        }
        return new Decision(c, false, INCOMPLETE_WITHIN_GRACE);
    }

    /** The newest archive of each of the {@code count} newest periods that have one. */
    private static void keepNewestPer(List<Candidate> newestFirst, int count, Function<Candidate, Object> period,
            String reason, Map<String, String> keptBecause) {
        Set<Object> seen = new HashSet<>();
        for (Candidate c : newestFirst) {
            if (seen.size() >= count) {
                return;
            }
            if (seen.add(period.apply(c))) {
                keptBecause.putIfAbsent(c.archiveKey(), reason);
            }
        }
    }
}
