package dev.shoehorn.backup.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

class CancellationTest {

    @Test
    void cancellingWakesASleeperAndRunsHooksOnce() throws Exception {
        // Given a job sleeping through a long backoff, with a hook registered
        Cancellation cancellation = new Cancellation();
        AtomicInteger hooks = new AtomicInteger();
        cancellation.onCancel(hooks::incrementAndGet);
        Failure stop = Failure.retryable(ErrorCode.WORKER_STOPPED, "stopping");
        CompletableFuture<JobFailedException> woke = CompletableFuture.supplyAsync(
                () -> catchThrowableOfType(JobFailedException.class, () -> cancellation.sleep(Duration.ofMinutes(5))));

        // When it is cancelled twice
        cancellation.cancel(stop);
        cancellation.cancel(Failure.permanent(ErrorCode.TIMEOUT, "late"));

        // Then the sleeper woke with the first reason (asserted here, on the test's thread) and the hook ran once
        assertThat(woke.get(5, TimeUnit.SECONDS)).isNotNull().extracting(JobFailedException::failure).isEqualTo(stop);
        assertThat(cancellation.reason()).isEqualTo(stop);
        assertThat(hooks).hasValue(1);
    }

    @Test
    void aHookAddedAfterCancellationRunsAtOnce() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel(Failure.permanent(ErrorCode.TIMEOUT, "late"));
        AtomicInteger hooks = new AtomicInteger();

        cancellation.onCancel(hooks::incrementAndGet);

        assertThat(hooks).hasValue(1);
    }
}
