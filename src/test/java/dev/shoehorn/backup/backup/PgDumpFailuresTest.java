package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

class PgDumpFailuresTest {

    @Test
    void aLostConnectionIsWorthAnotherAttempt() {
        Failure f = PgDumpFailures.of(1, "pg_dump: error: connection to server at \"db\" (10.0.0.1), port 5432 failed: "
                + "Connection refused");

        assertThat(f.retryable()).isTrue();
        assertThat(f.code()).isEqualTo(ErrorCode.PG_DUMP_FAILED);
    }

    @Test
    void aMissingPermissionIsPermanentAndKeepsPgDumpsWords() {
        Failure f = PgDumpFailures.of(1, "pg_dump: error: query failed: ERROR:  permission denied for table tenants");

        assertThat(f.retryable()).isFalse();
        assertThat(f.message()).isEqualTo(
                "pg_dump exited with 1: pg_dump: error: query failed: ERROR:  permission denied for table tenants");
    }

    @Test
    void aServerVersionMismatchSaysTheToolIsUnavailable() {
        Failure f = PgDumpFailures.of(1, "pg_dump: error: aborting because of server version mismatch");

        assertThat(f.code()).isEqualTo(ErrorCode.PG_DUMP_UNAVAILABLE);
        assertThat(f.retryable()).isFalse();
    }
}
