package dev.shoehorn.backup.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A clock that a test sets and steps by writing a file ({@code backup.faults.clock-file}): the file
 * holds an instant, and the clock reads that instant plus the real time passed since the file was
 * written, so time flows as usual from where the test put it and every process that reads the file
 * tells the same time. The file is read at every look: a cost for tests only.
 */
final class FileClock extends Clock {

    private final Path file;
    private final Clock real;
    private final ZoneId zone;

    FileClock(Path file, Clock real) {
        this(file, real, ZoneOffset.UTC);
    }

    private FileClock(Path file, Clock real, ZoneId zone) {
        this.file = file;
        this.real = real;
        this.zone = zone;
    }

    /**
     * @throws IllegalStateException when the file cannot be read or holds no instant: schedules never
     *                               run on another time than the test's
     */
    @Override
    public Instant instant() {
        try {
            while (true) {
                FileTime written = Files.getLastModifiedTime(file);
                String text = Files.readString(file).strip();
                // a file replaced between the two reads would pair its instant with the old file's time
                if (written.equals(Files.getLastModifiedTime(file))) {
                    return Instant.parse(text).plus(Duration.between(written.toInstant(), real.instant()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the test clock " + file + " cannot be read", new UncheckedIOException(e));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("the test clock " + file + " holds no ISO instant", e);
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new FileClock(file, real, zone);
    }
}
