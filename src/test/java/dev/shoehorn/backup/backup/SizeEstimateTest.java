package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.storage.Manifest;

class SizeEstimateTest {

    @Test
    void withoutAnEarlierDumpSizeTheTablesShareOfTheDatabaseIsAssumed() {
        Manifest old = new Manifest(1, "k", "t", "c", "j", "custom", 300, "s", "15", "15", 1_000,
                Instant.EPOCH, Instant.EPOCH, List.of(), "x", null);

        assertThat(SizeEstimate.of(4_000_000, Optional.empty())).isEqualTo(2_800_000);
        assertThat(SizeEstimate.of(4_000_000, Optional.of(old))).isEqualTo(2_800_000);
    }

    @Test
    void anEarlierDumpSizeIsScaledByTheDatabaseGrowth() {
        Manifest previous = new Manifest(1, "k", "t", "c", "j", "custom", 300, "s", "15", "15", 1_000,
                Instant.EPOCH, Instant.EPOCH, List.of(), "x", null, null, Compression.ZSTD, null, null, 900L);

        assertThat(SizeEstimate.of(2_000, Optional.of(previous))).isEqualTo(1_800);
    }

    @Test
    void percentStaysBelowOneHundredUntilTheArchiveIsComplete() {
        assertThat(SizeEstimate.percent(50, 200)).isEqualTo(25);
        assertThat(SizeEstimate.percent(500, 200)).isEqualTo(99);
        assertThat(SizeEstimate.percent(5, 0)).isZero();
    }
}
