package dev.shoehorn.backup.eventarchive;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import dev.shoehorn.backup.journal.EventSegments;

/**
 * The segment of one partition being filled: consecutive records, gzip NDJSON in a temporary file
 * (so that a day of events costs disk, not heap), until it is closed and written to the store.
 */
final class OpenSegment implements AutoCloseable {

    private final int partition;
    private final LocalDate day;
    private final long firstOffset;
    private final long openedNanos;
    private final Path file;
    private final Writer out;
    private long lastOffset;
    private long records;
    private long firstTimestamp;
    private long lastTimestamp;
    private boolean finished;

    OpenSegment(int partition, long firstOffset, long firstTimestamp, long nowNanos) throws IOException {
        this.partition = partition;
        this.firstOffset = firstOffset;
        this.firstTimestamp = firstTimestamp;
        this.day = EventSegments.day(Instant.ofEpochMilli(firstTimestamp));
        this.openedNanos = nowNanos;
        this.file = Files.createTempFile("backup-worker-events-" + partition + "-", ".ndjson.gz");
        this.out = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                StandardCharsets.UTF_8));
    }

    void append(long offset, long timestamp, String line) throws IOException {
        out.write(line);
        out.write('\n');
        lastOffset = offset;
        lastTimestamp = timestamp;
        records++;
    }

    /** Whether a record of this timestamp belongs to another day: segments never span two. */
    boolean otherDay(long timestamp) {
        return !EventSegments.day(Instant.ofEpochMilli(timestamp)).equals(day);
    }

    int partition() {
        return partition;
    }

    LocalDate day() {
        return day;
    }

    long firstOffset() {
        return firstOffset;
    }

    long lastOffset() {
        return lastOffset;
    }

    long records() {
        return records;
    }

    long openedNanos() {
        return openedNanos;
    }

    /** Ends the gzip stream; the file is then complete. */
    Path finish() throws IOException {
        if (!finished) {
            finished = true;
            out.close();
        }
        return file;
    }

    Map<String, String> metadata() {
        return Map.of(
                EventSegments.LAST_OFFSET, Long.toString(lastOffset),
                EventSegments.RECORDS, Long.toString(records),
                EventSegments.FIRST_TIMESTAMP, Long.toString(firstTimestamp),
                EventSegments.LAST_TIMESTAMP, Long.toString(lastTimestamp));
    }

    /** Drops the temporary file. */
    @Override
    public void close() {
        try {
            finish();
        } catch (IOException e) {
            // the file is deleted next: what it held is still in the topic
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
