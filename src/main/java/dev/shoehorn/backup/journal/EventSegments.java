package dev.shoehorn.backup.journal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the archived progress topic lives in object storage (docs/operations.md, "Event archive"):
 *
 * <pre>
 * &lt;prefix&gt;/.events/&lt;topic&gt;/&lt;partition&gt;/&lt;yyyy-mm-dd&gt;/&lt;first offset, 20 digits&gt;.ndjson.gz
 * </pre>
 *
 * One segment holds consecutive records of one partition, from its first offset to the offset in its
 * {@link #LAST_OFFSET} metadata, all of one UTC day (the folder), as gzip-compressed NDJSON
 * ({@link SegmentLine}). Each partition's segments follow one another without gap or overlap, and
 * sort by name in offset order, so the last name of a partition's folder says where archiving
 * resumes.
 */
public final class EventSegments {

    /** Object metadata: the offset of the segment's last record. */
    public static final String LAST_OFFSET = "last-offset";
    /** Object metadata: how many records the segment holds. */
    public static final String RECORDS = "records";
    /** Object metadata: timestamp (epoch ms) of the segment's first and last record. */
    public static final String FIRST_TIMESTAMP = "first-timestamp";
    public static final String LAST_TIMESTAMP = "last-timestamp";

    private static final String SUFFIX = ".ndjson.gz";
    private static final Pattern NAME = Pattern.compile(".*/(\\d{4}-\\d{2}-\\d{2})/(\\d{20})\\.ndjson\\.gz$");

    private EventSegments() {
    }

    /** The folder of every segment of one partition, ending in {@code /}. */
    public static String partitionFolder(String prefix, String topic, int partition) {
        return root(prefix) + topic + "/" + partition + "/";
    }

    /** The folder of the whole event archive, ending in {@code /}. */
    public static String root(String prefix) {
        return (prefix == null || prefix.isEmpty() ? "" : prefix + "/") + ".events/";
    }

    public static String key(String prefix, String topic, int partition, LocalDate day, long firstOffset) {
        return partitionFolder(prefix, topic, partition) + day + "/" + String.format("%020d", firstOffset) + SUFFIX;
    }

    /** The UTC day a record's timestamp falls on: the folder of its segment. */
    public static LocalDate day(Instant timestamp) {
        return LocalDate.ofInstant(timestamp, ZoneOffset.UTC);
    }

    /** A name to list after, so that a listing starts with the segments of {@code day}. */
    public static String startAfter(String prefix, String topic, int partition, LocalDate day) {
        return partitionFolder(prefix, topic, partition) + day.minusDays(1) + "/~";
    }

    public static OptionalLong firstOffset(String key) {
        Matcher m = NAME.matcher(key);
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(2))) : OptionalLong.empty();
    }

    public static Optional<LocalDate> dayOf(String key) {
        Matcher m = NAME.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(m.group(1)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
