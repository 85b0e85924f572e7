package dev.shoehorn.backup.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

class SearchApiFailuresTest {

    @ParameterizedTest(name = "HTTP {0} retryable={1}")
    @CsvSource({"500, true", "502, true", "503, true", "408, true", "429, true", "401, false", "403, false",
            "400, false", "404, false", "409, false"})
    void serverTroubleIsRetriedRefusalIsNot(int status, boolean retryable) {
        Failure failure = SearchApiFailures.ofStatus("requesting the backfill", status);

        assertThat(failure.retryable()).isEqualTo(retryable);
        assertThat(failure.code()).isEqualTo(ErrorCode.BACKFILL_FAILED);
        assertThat(failure.message()).startsWith("requesting the backfill: ").contains("HTTP " + status);
    }

    @ParameterizedTest
    @CsvSource({"200", "201", "202", "204"})
    void twoHundredsAreSuccess(int status) {
        assertThat(SearchApiFailures.isSuccess(status)).isTrue();
    }

    @org.junit.jupiter.api.Test
    void connectionErrorsAndTimeoutsAreRetryable() {
        IOException refused = new ConnectException("Connection refused");
        IOException slow = new HttpTimeoutException("request timed out");

        assertThat(SearchApiFailures.ofError("polling", refused).retryable()).isTrue();
        assertThat(SearchApiFailures.ofError("polling", refused).message()).contains("unreachable", "ConnectException");
        assertThat(SearchApiFailures.ofError("polling", slow).message()).contains("timed out");
    }
}
