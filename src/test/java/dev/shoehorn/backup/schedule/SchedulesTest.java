package dev.shoehorn.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.target.TestTargets;

class SchedulesTest {

    @Test
    void everyTargetIsBackedUpAtTwoUtcUnlessConfiguredOtherwise() {
        // Given targets with the default schedule, one of their own, and one turned off
        Schedules schedules = new Schedules(TestTargets.registry(Map.of(
                "shoehorn", TestTargets.config("shoehorn"),
                "billing", TestTargets.config("billing").scheduled("@hourly", "Europe/Berlin"),
                "scratch", TestTargets.config("scratch").scheduled("off", "UTC"))));

        // Then each has its schedule, and the one turned off none
        assertThat(schedules.of("shoehorn")).hasValueSatisfying(c -> assertThat(c).hasToString("0 2 * * * UTC"));
        assertThat(schedules.of("billing")).hasValueSatisfying(c -> assertThat(c).hasToString("@hourly Europe/Berlin"));
        assertThat(schedules.of("scratch")).isEmpty();
    }

    @Test
    void badSchedulesStopStartUpNamingEveryKeyAndWhy() {
        assertThatThrownBy(() -> new Schedules(TestTargets.registry(Map.of(
                "shoehorn", TestTargets.config("shoehorn").scheduled("0 1 * * * *", "UTC"),
                "billing", TestTargets.config("billing").scheduled("0 2 * * *", "Europe/Nowhere")))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backup.targets.shoehorn.schedule")
                .hasMessageContaining("has 6 fields")
                .hasMessageContaining("backup.targets.billing.schedule")
                .hasMessageContaining("'Europe/Nowhere' is not an IANA time zone");
    }
}
