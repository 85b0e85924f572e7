package dev.shoehorn.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SwapNamesTest {

    private static final String JOB = "8c1c3e7a-0a8b-4c55-b0c3-3f6f8e1f2b01";

    @Test
    void theDatabasesBesideATargetAreNamedAfterItAndTheJob() {
        assertThat(SwapNames.scratch("shoehorn", JOB)).isEqualTo("shoehorn_restore_8c1c3e7a");
        assertThat(SwapNames.kept("shoehorn", JOB)).isEqualTo("shoehorn_before_8c1c3e7a");
        assertThat(SwapNames.kept("shoehorn", "8C1C3E7A")).isEqualTo("shoehorn_before_8c1c3e7a");
    }

    @Test
    void aLongDatabaseNameIsCutSoThatTheWholeNameFitsPostgresLimitBetweenCharacters() {
        // Given a database name of 63 bytes whose cut would fall inside a two-byte character
        String database = "d".repeat(45) + "é".repeat(9);
        assertThat(database.getBytes(StandardCharsets.UTF_8)).hasSize(63);

        // When the names beside it are made
        String scratch = SwapNames.scratch(database, JOB);
        String kept = SwapNames.kept(database, JOB);

        // Then they fit in 63 bytes, keep the job's id whole, and are still recognised as beside the database
        assertThat(scratch.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SwapNames.MAX_BYTES);
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SwapNames.MAX_BYTES);
        assertThat(scratch).isEqualTo("d".repeat(45) + "_restore_8c1c3e7a");
        assertThat(kept).isEqualTo("d".repeat(45) + "é_before_8c1c3e7a");
        assertThat(SwapNames.matches(scratch, database, SwapNames.RESTORE)).isTrue();
        assertThat(SwapNames.matches(kept, database, SwapNames.BEFORE)).isTrue();
    }

    @Test
    void onlyNamesOfTheRightKindBesideTheRightDatabaseMatch() {
        assertThat(SwapNames.matches("shoehorn_before_8c1c3e7a", "shoehorn", SwapNames.BEFORE)).isTrue();
        assertThat(SwapNames.matches("shoehorn_before_8c1c3e7a", "shoehorn", SwapNames.RESTORE)).isFalse();
        assertThat(SwapNames.matches("shoehorn_before_8c1c3e7", "shoehorn", SwapNames.BEFORE)).isFalse();
        assertThat(SwapNames.matches("shoehorn_before_8c1c3e7a_x", "shoehorn", SwapNames.BEFORE)).isFalse();
        assertThat(SwapNames.matches("shoehorn_staging_before_8c1c3e7a", "shoehorn", SwapNames.BEFORE)).isFalse();
    }

    @Test
    void aJobIsNamedByItsIdOrItsFirstEightHexDigitsAndNothingElse() {
        assertThat(SwapNames.isJobReference(JOB)).isTrue();
        assertThat(SwapNames.isJobReference("8c1c3e7a")).isTrue();
        assertThat(SwapNames.isJobReference("8c1c3e7")).isFalse();
        assertThat(SwapNames.isJobReference("yesterday")).isFalse();
        assertThat(SwapNames.isJobReference("8c1c3e7a; drop database x")).isFalse();
        assertThatThrownBy(() -> SwapNames.kept("shoehorn", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
