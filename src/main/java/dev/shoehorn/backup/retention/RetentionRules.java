package dev.shoehorn.backup.retention;

import java.time.Duration;

/**
 * What one target keeps (backup.targets.&lt;name&gt;.retention.*): the newest {@code keepLast} complete
 * archives, every complete archive younger than {@code maxAge}, and optionally the newest of each of
 * the last {@code keepDaily} days, {@code keepWeekly} ISO weeks and {@code keepMonthly} months (UTC).
 * Whatever the rules, the newest complete archive is kept.
 */
public record RetentionRules(int keepLast, Duration maxAge, int keepDaily, int keepWeekly, int keepMonthly) {

    public RetentionRules {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keep-last must be at least 1");
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("max-age must be positive");
        }
        if (keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
            throw new IllegalArgumentException("keep-daily, keep-weekly and keep-monthly must not be negative");
        }
    }

    /** As the configuration writes them: {@code keep-last=3 max-age=14d}, the GFS rules where set. */
    @Override
    public String toString() {
        long days = maxAge.toDays();
        String age = maxAge.equals(Duration.ofDays(days)) ? days + "d"
                : maxAge.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        return "keep-last=" + keepLast + " max-age=" + age + (keepDaily > 0 ? " keep-daily=" + keepDaily : "")
                + (keepWeekly > 0 ? " keep-weekly=" + keepWeekly : "") + (keepMonthly > 0 ? " keep-monthly=" + keepMonthly : "");
    }
}
