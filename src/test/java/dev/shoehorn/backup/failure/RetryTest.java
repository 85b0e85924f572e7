package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RetryTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4));

    /** A clock that the sleeper moves forward, so that windows are tested without waiting. */
    private final AtomicLong now = new AtomicLong();
    private final List<Duration> waits = new ArrayList<>();
    private final Retry.Sleeper sleeper = d -> {
        waits.add(d);
        now.addAndGet(d.toNanos());
    };

    @Test
    void aRetryableFailureIsTriedAgainWithGrowingWaitsUntilItSucceeds() throws Exception {
        // Given a call that fails twice with a retryable failure
        // When it runs with up to 5 attempts
        String result = Retry.of(BACKOFF, 5).clock(now::get).run(attempt -> {
            if (attempt < 3) {
                throw failure(true);
            }
            return "done on " + attempt;
        }, sleeper, (n, f, w) -> { });

        // Then the third attempt's result comes back after waits of 1 s and 2 s
        assertThat(result).isEqualTo("done on 3");
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aPermanentFailureIsNeverRetried() {
        // Given a call that fails permanently
        // When it runs with many attempts left
        // Then it fails at once, without a wait
        assertThatThrownBy(() -> Retry.of(BACKOFF, 5).clock(now::get).run(attempt -> {
            throw failure(false);
        }, sleeper, (n, f, w) -> { })).isInstanceOf(JobFailedException.class);
        assertThat(waits).isEmpty();
    }

    @Test
    void theLastAttemptsFailureIsThrown() {
        // Given a call that always fails retryably, and 3 attempts
        List<Integer> told = new ArrayList<>();
        // When it runs
        assertThatThrownBy(() -> Retry.of(BACKOFF, 3).clock(now::get).run(attempt -> {
            throw failure(true);
        }, sleeper, (n, f, w) -> told.add(n))).isInstanceOf(JobFailedException.class);
        // Then the listener heard of attempts 1 and 2 before their waits, and nothing after the third
        assertThat(told).containsExactly(1, 2);
    }

    @Test
    void aWindowKeepsRetryingAfterTheAttemptsAreUsedUp() {
        // Given a call that always fails retryably, 2 attempts and a 30 s window
        // When it runs
        assertThatThrownBy(() -> Retry.of(BACKOFF, 2).within(Duration.ofSeconds(30)).clock(now::get)
                .run(attempt -> {
                    throw failure(true);
                }, sleeper, (n, f, w) -> { })).isInstanceOf(JobFailedException.class);
        // Then it waited at least the window before giving up
        long waited = waits.stream().mapToLong(Duration::toSeconds).sum();
        assertThat(waited).isGreaterThanOrEqualTo(30);
        assertThat(waits.size()).isGreaterThan(2);
    }

    @Test
    void aConditionNarrowsWhatIsRetried() {
        // Given a retryable failure that the caller does not want retried (a stop)
        // When it runs with attempts left
        assertThatThrownBy(() -> Retry.of(BACKOFF, 5).onlyIf(f -> f.code() != ErrorCode.WORKER_STOPPED)
                .clock(now::get).run(attempt -> {
                    throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "stopping"));
                }, sleeper, (n, f, w) -> { })).isInstanceOf(JobFailedException.class);
        // Then it is not retried
        assertThat(waits).isEmpty();
    }

    private static JobFailedException failure(boolean retryable) {
        return new JobFailedException(retryable ? Failure.retryable(ErrorCode.STORAGE_ERROR, "S3 is down")
                : Failure.permanent(ErrorCode.STORAGE_ERROR, "access denied"));
    }
}
