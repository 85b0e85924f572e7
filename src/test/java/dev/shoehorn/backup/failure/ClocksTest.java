package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClocksTest {

    private static final Instant WRITTEN = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void withoutAClockFileTheWorkerRunsOnTheSystemClock() {
        // Given no clock file configured
        Clocks clocks = new Clocks(Optional.empty());

        // When the worker's clock is made, Then it is the system's UTC clock
        assertThat(clocks.clock()).isEqualTo(Clock.systemUTC());
    }

    @Test
    void aClockFileSetsTheTimeWhichFlowsOnFromWhenTheFileWasWritten() throws IOException {
        // Given a clock file set to the night of a slot, written 90 s ago
        Path file = dir.resolve("clock");
        set(file, "2026-03-29T00:59:58Z", WRITTEN);
        Clock clock = new FileClock(file, Clock.fixed(WRITTEN.plusSeconds(90), ZoneOffset.UTC));

        // When the clock is read, Then it is the file's time plus the 90 s since
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-29T01:01:28Z"));

        // And when the test steps it by writing the file again, it jumps there
        set(file, "2026-03-30T00:29:58Z", WRITTEN.plusSeconds(90));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-30T00:29:58Z"));
    }

    @Test
    void aClockFileThatCannotBeReadStopsTheClockInsteadOfFallingBackToAnotherTime() throws IOException {
        // Given a clock file that holds no instant, and one that is missing
        Path garbled = dir.resolve("garbled");
        set(garbled, "tomorrow", WRITTEN);
        Clock real = Clock.fixed(WRITTEN, ZoneOffset.UTC);

        // When either is read, Then the clock throws, naming the file
        assertThatThrownBy(() -> new FileClock(garbled, real).instant()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(garbled.toString());
        assertThatThrownBy(() -> new FileClock(dir.resolve("missing"), real).instant())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing");
    }

    private static void set(Path file, String instant, Instant writtenAt) throws IOException {
        Files.writeString(file, instant + "\n");
        Files.setLastModifiedTime(file, FileTime.from(writtenAt));
    }
}
