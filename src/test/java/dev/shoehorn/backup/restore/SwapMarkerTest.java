package dev.shoehorn.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SwapMarkerTest {

    private static final String JOB = "8c1c3e7a-0a8b-4c55-b0c3-3f6f8e1f2b01";
    private static final String COMMAND = "5d2a8f60-1b3c-4e7d-9a0f-6c4b2e1d8a35";
    private static final Instant AT = Instant.parse("2026-11-28T02:00:00Z");

    @Test
    void aMarkerReadsBackAsWritten() {
        SwapMarker kept = SwapMarker.kept("shoehorn", JOB, COMMAND, AT);
        SwapMarker blocked = SwapMarker.scratch("shoehorn", JOB, COMMAND, AT).blocked(true);

        assertThat(SwapMarker.parse(kept.toComment())).contains(kept);
        assertThat(SwapMarker.parse(blocked.toComment())).contains(blocked);
        assertThat(SwapMarker.parse(blocked.blocked(false).toComment()).orElseThrow().blocked()).isFalse();
    }

    @Test
    void commentsThatAreNotTheWorkersReadAsNoMarker() {
        assertThat(SwapMarker.parse(null)).isEmpty();
        assertThat(SwapMarker.parse("the staging copy")).isEmpty();
        assertThat(SwapMarker.parse("{\"owner\":\"team-a\"}")).isEmpty();
        assertThat(SwapMarker.parse("{\"backupWorker\":\"kept\",\"database\":\"shoehorn\",\"job\":\"x\","
                + "\"command\":\"c\",\"at\":\"2026-11-28T02:00:00Z\"}")).isEmpty();
        assertThat(SwapMarker.parse("{\"backupWorker\":\"kept\",\"database\":\"shoehorn\",\"job\":\"" + JOB
                + "\",\"command\":\"c\",\"at\":\"yesterday\"}")).isEmpty();
        assertThat(SwapMarker.parse("{\"backupWorker\":")).isEmpty();
    }

    @Test
    void aMarkerDescribesOnlyTheDatabaseNamedForItsKindTargetAndJob() {
        SwapMarker kept = SwapMarker.kept("shoehorn", JOB, COMMAND, AT);

        assertThat(kept.describes("shoehorn_before_8c1c3e7a", "shoehorn")).isTrue();
        assertThat(kept.describes("shoehorn_restore_8c1c3e7a", "shoehorn")).isFalse();
        assertThat(kept.describes("shoehorn_before_00000000", "shoehorn")).isFalse();
        assertThat(kept.describes("shoehorn_staging_before_8c1c3e7a", "shoehorn_staging")).isFalse();
    }
}
