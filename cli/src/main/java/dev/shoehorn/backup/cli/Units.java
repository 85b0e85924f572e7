package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the CLI writes sizes and durations, and reads times such as {@code --since 10m}. */
final class Units {

    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)");
    private static final String[] BYTE_UNITS = { "B", "KiB", "MiB", "GiB", "TiB" };

    private Units() {
    }

    static String bytes(long bytes) {
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, BYTE_UNITS[unit]);
    }

    /** {@code 1:02:03}, {@code 2:03}. */
    static String clock(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    /** {@code 45s}, {@code 12m}, {@code 3h 5m}, {@code 2d 4h}: an age for people. */
    static String age(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h " + seconds / 60 % 60 + "m";
        }
        return seconds / 86400 + "d " + seconds / 3600 % 24 + "h";
    }

    static String millis(Long millis) {
        if (millis == null) {
            return "";
        }
        return millis < 10_000 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0) : clock(Duration.ofMillis(millis));
    }

    /** A duration: {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 1w}, or ISO-8601 ({@code PT90S}). */
    static Duration duration(String text) {
        String value = text.trim();
        Matcher shorthand = AGO.matcher(value);
        if (shorthand.matches()) {
            return unit(shorthand.group(2)).multipliedBy(Long.parseLong(shorthand.group(1)));
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is no duration: use 30s, 10m, 2h, 1d or ISO-8601 (PT90S)");
        }
    }

    private static Duration unit(String unit) {
        return switch (unit) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
        };
    }

    /**
     * A point in time: {@code 10m}, {@code 2h}, {@code 7d}, {@code 1w} ago; an instant
     * ({@code 2026-11-28T02:00:00Z}); or a UTC date ({@code 2026-11-28}, its midnight).
     */
    static Instant time(String text, Instant now) {
        String value = text.trim();
        Matcher ago = AGO.matcher(value);
        if (ago.matches()) {
            return now.minus(unit(ago.group(2)).multipliedBy(Long.parseLong(ago.group(1))));
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw new IllegalArgumentException("'" + text + "' is no time: use 10m, 2h, 7d, 1w ago, "
                        + "an instant (2026-11-28T02:00:00Z) or a date (2026-11-28)");
            }
        }
    }
}
