package dev.shoehorn.backup.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.TestJobsConfig;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressConfig;
import dev.shoehorn.backup.progress.ProgressPublisher;

class JobAttemptsTest {

    /** A job's event stream; these tests emit nothing, they only number attempts. */
    private final JobEvents events = new ProgressPublisher(null, new ObjectMapper(), new ProgressConfig() {
        @Override
        public Optional<String> instance() {
            return Optional.of("test");
        }

        @Override
        public Duration interval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration retryInitial() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration retryMax() {
            return Duration.ofSeconds(1);
        }
    }, null, null, null, "backup.progress").job("job", "command", "target");
    private final Cancellation cancellation = new Cancellation();

    @Test
    void aRetryableFailureIsAttemptedAgainAndTheEventsCarryTheAttempt() {
        // Given work that fails retryably once
        JobAttempts attempts = new JobAttempts(TestJobsConfig.with(1, 1, Duration.ZERO));
        AtomicInteger calls = new AtomicInteger();

        // When it runs
        String result = attempts.run(events, cancellation, n -> {
            if (calls.incrementAndGet() == 1) {
                throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR, "503"));
            }
            return "archive";
        });

        // Then the second attempt's result comes back, and events are tagged with attempt 2
        assertThat(result).isEqualTo("archive");
        assertThat(events.attempt()).isEqualTo(2);
    }

    @Test
    void retryableFailuresAreRetriedForTheWholeWindowBeyondTheAttempts() {
        // Given work that always fails retryably, 3 attempts and a window of 2 s
        JobAttempts attempts = new JobAttempts(TestJobsConfig.with(1, 1, Duration.ofSeconds(2)));
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();

        // When it runs
        JobFailedException e = catchThrowableOfType(JobFailedException.class, () -> attempts.run(events,
                cancellation, n -> {
                    calls.incrementAndGet();
                    throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE, "down"));
                }));

        // Then it gave up only after the window, with more attempts than the minimum
        assertThat(e.failure().code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(calls.get()).isGreaterThan(3);
    }

    @Test
    void aBugIsAPermanentInternalFailureAndIsNotRetried() {
        JobAttempts attempts = new JobAttempts(TestJobsConfig.with(1, 1, Duration.ofMinutes(1)));
        AtomicInteger calls = new AtomicInteger();

        JobFailedException e = catchThrowableOfType(JobFailedException.class, () -> attempts.run(events,
                cancellation, n -> {
                    calls.incrementAndGet();
                    throw new NullPointerException("bug");
                }));

        assertThat(e.failure().code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.failure().retryable()).isFalse();
        assertThat(calls).hasValue(1);
    }

    @Test
    void aCancelledJobFailsWithTheCancellationsReasonNotTheChildsError() {
        // Given work whose child process dies because the job was cancelled (a timeout)
        JobAttempts attempts = new JobAttempts(TestJobsConfig.with(1, 1, Duration.ofMinutes(1)));
        Failure timeout = Failure.permanent(ErrorCode.TIMEOUT, "job exceeded backup.jobs.timeout=1h");

        // When it runs
        JobFailedException e = catchThrowableOfType(JobFailedException.class, () -> attempts.run(events,
                cancellation, n -> {
                    cancellation.cancel(timeout);
                    throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED, "killed"));
                }));

        // Then the reason is the cancellation's, and nothing was retried
        assertThat(e.failure()).isEqualTo(timeout);
    }

    @Test
    void aStoppingWorkerIsNeverRetriedInProcess() {
        JobAttempts attempts = new JobAttempts(TestJobsConfig.with(1, 1, Duration.ofMinutes(1)));
        AtomicInteger calls = new AtomicInteger();

        JobFailedException e = catchThrowableOfType(JobFailedException.class, () -> attempts.run(events,
                cancellation, n -> {
                    calls.incrementAndGet();
                    throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "stopping"));
                }));

        assertThat(e.failure().code()).isEqualTo(ErrorCode.WORKER_STOPPED);
        assertThat(calls).hasValue(1);
    }
}
