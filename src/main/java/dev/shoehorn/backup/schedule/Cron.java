package dev.shoehorn.backup.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A standard five-field cron expression (minute, hour, day of month, month, day of week) or one of
 * the {@code @daily} family, read in an IANA time zone.
 *
 * <p>Daylight saving, the rule (docs/operations.md): slots are wall-clock times of the zone. A time
 * skipped by a spring-forward runs once, at the instant the clocks jump (02:30 on a night that goes
 * from 02:00 to 03:00 runs at 03:00); several skipped times merge into that one run. A time repeated by
 * a fall-back runs once, on its first pass. So a daily schedule runs exactly once every day, whatever
 * the zone does.
 *
 * <p>As in Vixie cron, when both day fields are restricted a day matching either runs; names
 * ({@code JAN}, {@code MON}) and {@code 7} for Sunday are accepted. Seconds are not: a sixth field is
 * refused, since reading {@code 0 1 * * * *} as five fields plus seconds is how an hourly job
 * happens by mistake.
 */
public final class Cron {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
            "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** Longer than any gap between runs of an expression that runs at all (29 February and a weekday). */
    private static final int SEARCH_DAYS = 366 * 29;

    private final String expression;
    private final ZoneId zone;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean eitherDay;

    private Cron(String expression, ZoneId zone, String[] fields) {
        this.expression = expression;
        this.zone = zone;
        this.minutes = field("minute", fields[0], 0, 59, List.of());
        this.hours = field("hour", fields[1], 0, 23, List.of());
        this.daysOfMonth = field("day of month", fields[2], 1, 31, List.of());
        this.months = field("month", fields[3], 1, 12, MONTHS);
        BitSet dow = field("day of week", fields[4], 0, 7, DAYS);
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        this.daysOfWeek = dow;
        this.eitherDay = !fields[2].startsWith("*") && !fields[4].startsWith("*");
    }

    /** The value of a schedule setting that turns it off. */
    public static final String OFF = "off";

    /**
     * Reads a schedule setting: empty when it is {@link #OFF} (in any case), else as {@link #parse}.
     *
     * @throws IllegalArgumentException naming what is wrong, for a start-up message
     */
    public static Optional<Cron> parseUnlessOff(String expression, String zoneId) {
        if (expression != null && OFF.equalsIgnoreCase(expression.strip())) {
            return Optional.empty();
        }
        return Optional.of(parse(expression, zoneId));
    }

    /**
     * Reads the schedule setting {@code key} (and its {@code -zone}) as {@link #parseUnlessOff} does;
     * what is wrong with it is added to {@code problems} as one sentence naming the key, and it is
     * then empty, as when it is off.
     */
    public static Optional<Cron> read(String key, String expression, String zoneId, List<String> problems) {
        try {
            return parseUnlessOff(expression, zoneId);
        } catch (IllegalArgumentException e) {
            problems.add(key + "/." + key.substring(key.lastIndexOf('.') + 1) + "-zone: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Reads an expression in a zone.
     *
     * @throws IllegalArgumentException naming what is wrong, for a start-up message
     */
    public static Cron parse(String expression, String zoneId) {
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + zoneId + "' is not an IANA time zone (e.g. UTC, Europe/Berlin)");
        }
        String trimmed = expression == null ? "" : expression.trim();
        String expanded = trimmed.startsWith("@") ? MACROS.get(trimmed.toLowerCase(Locale.ROOT)) : trimmed;
        if (expanded == null) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a known macro (" + String.join(", ",
                    MACROS.keySet().stream().sorted().toList()) + ")");
        }
        String[] fields = expanded.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("'" + trimmed + "' has " + fields.length
                    + " fields; a schedule has 5 (minute hour day-of-month month day-of-week), no seconds");
        }
        Cron cron = new Cron(trimmed, zone, fields);
        if (cron.firstAfter(LocalDate.of(2000, 1, 1).atStartOfDay(zone).toInstant()).isEmpty()) {
            throw new IllegalArgumentException("'" + trimmed + "' never runs (no such date)");
        }
        return cron;
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first slot strictly after {@code after}. */
    public Instant next(Instant after) {
        return firstAfter(after).orElseThrow();
    }

    /** The last slot at or before {@code at}. */
    public Instant latestAtOrBefore(Instant at) {
        LocalDate day = at.atZone(zone).toLocalDate();
        for (int i = 0; i <= SEARCH_DAYS; i++, day = day.minusDays(1)) {
            List<Instant> slots = slotsOn(day);
            for (int j = slots.size() - 1; j >= 0; j--) {
                if (!slots.get(j).isAfter(at)) {
                    return slots.get(j);
                }
            }
        }
        throw new IllegalStateException("no slot of " + this + " before " + at);
    }

    /** The slots in {@code (after, until]}, oldest first, at most {@code limit} of the newest. */
    public List<Instant> between(Instant after, Instant until, int limit) {
        List<Instant> newestFirst = new ArrayList<>();
        LocalDate first = after.atZone(zone).toLocalDate();
        for (LocalDate day = until.atZone(zone).toLocalDate(); !day.isBefore(first) && newestFirst.size() < limit;
                day = day.minusDays(1)) {
            List<Instant> slots = slotsOn(day);
            for (int j = slots.size() - 1; j >= 0 && newestFirst.size() < limit; j--) {
                Instant slot = slots.get(j);
                if (slot.isAfter(after) && !slot.isAfter(until)) {
                    newestFirst.add(slot);
                }
            }
        }
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** How many slots lie in {@code (after, until]}. */
    public long countBetween(Instant after, Instant until) {
        long count = 0;
        LocalDate last = until.atZone(zone).toLocalDate();
        for (LocalDate day = after.atZone(zone).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            count += slotsOn(day).stream().filter(s -> s.isAfter(after) && !s.isAfter(until)).count();
        }
        return count;
    }

    /** The time between the last slot at or before {@code at} and the slot before that one. */
    public Duration periodAt(Instant at) {
        Instant last = latestAtOrBefore(at);
        return Duration.between(latestAtOrBefore(last.minusNanos(1)), last);
    }

    private Optional<Instant> firstAfter(Instant after) {
        LocalDate day = after.atZone(zone).toLocalDate();
        for (int i = 0; i <= SEARCH_DAYS; i++, day = day.plusDays(1)) {
            for (Instant slot : slotsOn(day)) {
                if (slot.isAfter(after)) {
                    return Optional.of(slot);
                }
            }
        }
        return Optional.empty();
    }

    /** A day's slots as instants, in order, each once (skipped times merged at the jump). */
    private List<Instant> slotsOn(LocalDate day) {
        if (!dayMatches(day)) {
            return List.of();
        }
        List<Instant> slots = new ArrayList<>();
        for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
            for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                Instant slot = instantOf(LocalDateTime.of(day, LocalTime.of(h, m)));
                if (slots.isEmpty() || slot.isAfter(slots.get(slots.size() - 1))) {
                    slots.add(slot);
                }
            }
        }
        return slots;
    }

    /** A wall-clock time as an instant: the first pass of a repeated time, the jump for a skipped one. */
    private Instant instantOf(LocalDateTime local) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    private boolean dayMatches(LocalDate day) {
        if (!months.get(day.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(day.getDayOfMonth());
        boolean dow = daysOfWeek.get(day.getDayOfWeek().getValue() % 7);
        return eitherDay ? dom || dow : dom && dow;
    }

    private static BitSet field(String name, String text, int min, int max, List<String> names) {
        BitSet values = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(name, item.substring(slash + 1), 1, max - min + 1, List.of(), 0);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                from = number(name, dash >= 0 ? range.substring(0, dash) : range, min, max, names, min);
                to = dash >= 0 ? number(name, range.substring(dash + 1), min, max, names, min)
                        : slash >= 0 ? max : from;
                if (to < from) {
                    throw new IllegalArgumentException(name + " range '" + range + "' runs backwards");
                }
            }
            for (int v = from; v <= to; v += step) {
                values.set(v);
            }
        }
        return values;
    }

    private static int number(String field, String text, int min, int max, List<String> names, int firstName) {
        int byName = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (byName >= 0) {
            return byName + firstName;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below, with the field's name
        }
        throw new IllegalArgumentException(field + " '" + text + "' is not " + (names.isEmpty() ? "" : "a name or ")
                + "a number from " + min + " to " + max);
    }

    @Override
    public String toString() {
        return expression + " " + zone.getId();
    }
}
