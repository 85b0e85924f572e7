package dev.shoehorn.backup.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
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
        Thread sleeper = new Thread(() -> {
            JobFailedException e = catchThrowableOfType(JobFailedException.class,
                    () -> cancellation.sleep(Duration.ofMinutes(5)));
            assertThat(e.failure()).isEqualTo(stop);
        });
        sleeper.start();

        // When it is cancelled twice
        cancellation.cancel(stop);
        cancellation.cancel(Failure.permanent(ErrorCode.TIMEOUT, "late"));
        sleeper.join(5_000);

        // Then the sleeper woke with the first reason and the hook ran once
        assertThat(sleeper.isAlive()).isFalse();
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
