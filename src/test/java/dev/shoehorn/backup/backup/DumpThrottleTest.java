package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DumpThrottleTest {

    private Process tool;

    @BeforeEach
    void startATool() throws IOException {
        // a stand-in for pg_dump with one parallel worker, as a child process
        tool = new ProcessBuilder("sh", "-c", "sleep 60 & wait").start();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tool.descendants().count() == 1);
    }

    @AfterEach
    void endIt() throws InterruptedException {
        tool.descendants().forEach(ProcessHandle::destroyForcibly);
        tool.destroyForcibly();
        tool.waitFor(5, TimeUnit.SECONDS);
    }

    @Test
    void pgDumpAndItsWorkersStopAboveTheLimitAndGoOnAtHalfOfIt() {
        // Given a throttle of 100 bytes on the tool
        DumpThrottle throttle = new DumpThrottle(tool.toHandle(), 100, "job-1");

        // When its files hold more than the limit, some of it unread
        throttle.adjust(101, 1);

        // Then the tool and its worker are stopped
        eventually(() -> assertThat(states()).containsOnly('T'));
        assertThat(throttle.pauses()).isEqualTo(1);

        // and while above half the limit they stay so
        throttle.adjust(51, 1);
        eventually(() -> assertThat(states()).containsOnly('T'));

        // When at half of it
        throttle.adjust(50, 1);

        // Then they go on
        eventually(() -> assertThat(states()).doesNotContain('T'));
    }

    @Test
    void everythingReadLetsPgDumpGoOnWhateverTheFilesHold() {
        // Given a stopped tool
        DumpThrottle throttle = new DumpThrottle(tool.toHandle(), 100, "job-1");
        throttle.adjust(1000, 10);
        eventually(() -> assertThat(states()).containsOnly('T'));

        // When every byte written has been read, though heads were not given back
        throttle.adjust(1000, 0);

        // Then it goes on, and is not stopped again while nothing is left to read
        eventually(() -> assertThat(states()).doesNotContain('T'));
        throttle.adjust(1000, 0);
        eventually(() -> assertThat(states()).doesNotContain('T'));
        assertThat(throttle.pauses()).isEqualTo(1);
    }

    @Test
    void resumingAtTheEndContinuesAStoppedTool() {
        // Given a stopped tool
        DumpThrottle throttle = new DumpThrottle(tool.toHandle(), 100, "job-1");
        throttle.adjust(1000, 10);

        // When the dump ends (a failure, a cancellation) and the throttle resumes it
        throttle.resume();

        // Then it can end
        eventually(() -> assertThat(states()).doesNotContain('T'));
    }

    @Test
    void aDisabledThrottleContinuesAndNeverStopsAgain() {
        // Given a stopped tool
        DumpThrottle throttle = new DumpThrottle(tool.toHandle(), 100, "job-1");
        throttle.adjust(1000, 10);

        // When heads turn out not to be given back
        throttle.disable("no hole punching here");
        throttle.adjust(1000, 10);

        // Then it runs on, unbounded
        eventually(() -> assertThat(states()).doesNotContain('T'));
    }

    /** Signals arrive a moment after {@code kill} returns. */
    private static void eventually(org.awaitility.core.ThrowingRunnable assertion) {
        Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).untilAsserted(assertion);
    }

    /** The scheduler states ({@code /proc/<pid>/stat}) of the tool and its worker. */
    private java.util.List<Character> states() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(tool.toHandle()), tool.descendants())
                .map(p -> {
                    try {
                        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                        return stat.charAt(stat.lastIndexOf(')') + 2);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
    }
}
