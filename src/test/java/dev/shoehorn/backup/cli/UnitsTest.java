package dev.shoehorn.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class UnitsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void timesAreAgoInstantsOrUtcDates() {
        assertThat(Units.time("10m", NOW)).isEqualTo(NOW.minusSeconds(600));
        assertThat(Units.time("7d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(7)));
        assertThat(Units.time("1w", NOW)).isEqualTo(NOW.minus(Duration.ofDays(7)));
        assertThat(Units.time("2026-11-28T02:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-28T02:00:00Z"));
        assertThat(Units.time("2026-11-28", NOW)).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
        assertThatThrownBy(() -> Units.time("yesterday", NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10m");
    }

    @Test
    void durationsAreShortOrIso() {
        assertThat(Units.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Units.duration("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Units.duration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizesAndClocksReadAsPeopleWriteThem() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(3 * 1024 * 1024 / 2)).isEqualTo("1.5 MiB");
        assertThat(Units.clock(Duration.ofSeconds(3725))).isEqualTo("1:02:05");
        assertThat(Units.clock(Duration.ofSeconds(65))).isEqualTo("1:05");
        assertThat(Units.age(Duration.ofHours(50))).isEqualTo("2d 2h");
    }
}
