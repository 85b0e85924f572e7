package dev.shoehorn.backup.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

class JobRunnerTest {

    private final JobRunner runner = new JobRunner(TestJobsConfig.with(1, 2, Duration.ofMinutes(5)));

    @AfterEach
    void stop() {
        runner.onStop(null);
    }

    @Test
    void aJobThatWaitsHoldsNoSlotAndAnotherJobRunsMeanwhile() throws Exception {
        // Given one slot, and a first job that waits (for its target's lock) before taking a slot
        CountDownLatch lockFree = new CountDownLatch(1);
        JobRunner.Submitted waiting = runner.submit("waiting", c -> {
            await(lockFree);
            try (JobRunner.Slot slot = runner.slot(c)) {
                return JobOutcome.COMPLETED;
            }
        });

        // When a second job is submitted
        JobRunner.Submitted other = runner.submit("other", c -> {
            try (JobRunner.Slot slot = runner.slot(c)) {
                return JobOutcome.COMPLETED;
            }
        });

        // Then it takes the slot and ends while the first still waits
        assertThat(other.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(JobOutcome.COMPLETED);
        assertThat(waiting.ended().toCompletableFuture().isDone()).isFalse();
        lockFree.countDown();
        assertThat(waiting.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(JobOutcome.COMPLETED);
    }

    @Test
    void aJobIsAdmittedOnlyWhileThereIsRoomInTheQueue() throws Exception {
        // Given a queue of two, both places taken by jobs that wait
        CountDownLatch release = new CountDownLatch(1);
        runner.submit("a", c -> await(release)).admitted().toCompletableFuture().get(5, TimeUnit.SECONDS);
        runner.submit("b", c -> await(release)).admitted().toCompletableFuture().get(5, TimeUnit.SECONDS);

        // When a third is submitted
        JobRunner.Submitted third = runner.submit("c", c -> JobOutcome.COMPLETED);

        // Then it is admitted only once a place is free
        org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> !third.admitted().toCompletableFuture().isDone());
        release.countDown();
        third.admitted().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(runner.queued()).isLessThanOrEqualTo(2);
    }

    @Test
    void aCancelledJobStopsWaitingForASlot() throws Exception {
        // Given the only slot taken
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        runner.submit("holder", c -> {
            try (JobRunner.Slot slot = runner.slot(c)) {
                holding.countDown();
                return await(release);
            }
        });
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<JobFailedException> waiter = new CompletableFuture<>();
        Cancellation cancellation = new Cancellation();
        Thread t = new Thread(() -> waiter.complete(catchThrowableOfType(JobFailedException.class,
                () -> runner.slot(cancellation))));
        t.start();

        // When the waiting job is cancelled
        cancellation.cancel(Failure.permanent(ErrorCode.TIMEOUT, "too long"));

        // Then it stops waiting with the cancellation's reason
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isNotNull().extracting(e -> e.failure().code())
                .isEqualTo(ErrorCode.TIMEOUT);
        release.countDown();
    }

    @Test
    void aJobThatThrowsEndsItsStageExceptionallyAndFreesItsPlace() throws Exception {
        // Given a job with a bug
        JobRunner.Submitted crashed = runner.submit("bug", c -> {
            throw new IllegalStateException("bug");
        });

        // Then its end says so, and the queue has its place back
        assertThat(catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                () -> crashed.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)))
                .hasCauseInstanceOf(IllegalStateException.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> runner.queued() == 0);
    }

    private static JobOutcome await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return JobOutcome.COMPLETED;
    }
}
