package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class PartSizingTest {

    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;
    /** The defaults: 8M parts, 2 in flight, a 96M budget. */
    private static final PartSizing DEFAULTS = PartSizing.of(TestStorageConfig.of(Map.of("backup.storage.bucket", "b")));

    @Test
    void aSmallArchiveUsesTheConfiguredPartSize() {
        assertThat(DEFAULTS.partSize(100 * MIB)).isEqualTo(8 * MIB);
    }

    @Test
    void aLargeArchiveGetsPartsLargeEnoughForFourTimesItsEstimate() {
        // Given an estimate of 40 GiB, which 8 MiB parts would need 5,120 of
        // When its part size is chosen
        long part = DEFAULTS.partSize(40 * GIB);

        // Then it is the next whole MiB above 40 GiB / 2,500: room for an archive four times as large
        assertThat(part).isEqualTo(17 * MIB);
        assertThat(part * PartSizing.MAX_PARTS).isGreaterThanOrEqualTo(4 * 40 * GIB);
    }

    @Test
    void aHugeArchiveGetsNoMoreThanTheBudgetAllows() {
        // Given an estimate of 10 TiB
        // When its part size is chosen
        long part = DEFAULTS.partSize(10 * 1024 * GIB);

        // Then its three buffers fit the 96 MiB budget, which sets the largest archive: 312.5 GiB
        assertThat(part).isEqualTo(32 * MIB);
        assertThat(DEFAULTS.largestArchive()).isEqualTo(10_000 * 32 * MIB);
    }

    @Test
    void theBudgetWinsOverAConfiguredPartSize() {
        // Given 64 MiB parts configured, but a 64 MiB budget for 2 parts in flight
        PartSizing sizing = new PartSizing(64 * MIB, 2, 64 * MIB);

        // Then parts are the budget's third, rounded down to whole MiB
        assertThat(sizing.partSize(1)).isEqualTo(21 * MIB);
    }

    @Test
    void noEstimateMakesTheBuffersExceedTheBudget() {
        PartSizing sizing = new PartSizing(5 * MIB, 3, 100 * MIB);

        assertThat(LongStream.iterate(1, bytes -> bytes < Long.MAX_VALUE / 4, bytes -> bytes * 3))
                .allSatisfy(bytes -> assertThat(sizing.partSize(bytes) * 4L).isLessThanOrEqualTo(100 * MIB));
    }

    @Test
    void aBudgetTooSmallForS3sSmallestPartIsRefused() {
        assertThatThrownBy(() -> new PartSizing(5 * MIB, 2, 12 * MIB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backup.storage.memory-budget", "at least 15M");
    }
}
