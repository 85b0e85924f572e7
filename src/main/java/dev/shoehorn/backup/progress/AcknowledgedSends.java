package dev.shoehorn.backup.progress;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Sends a record and returns only once the broker has acknowledged it, however long the broker is
 * away: events and dead letters are never given up while the worker runs. The producer retries by
 * itself within its delivery timeout (idempotent, so without duplicates); a send it gives up on is
 * made again after a pause. Only a stopping worker ends the wait (after half its shutdown grace for
 * a send in hand), with {@link EventsStoppedException}, so that the record being handled stays
 * uncommitted.
 */
@ApplicationScoped
public class AcknowledgedSends {

    /** How often a wait looks up to see whether the worker is stopping. */
    private static final long CHECK_MILLIS = 500;

    private final Retry retry;
    /** How long a send in hand may still wait for its acknowledgement once the worker is stopping. */
    private final Duration stoppingGrace;
    private volatile boolean stopping;
    private volatile long stoppingSince;

    /**
     * @param shutdownGrace the jobs' grace on shutdown; a send waits for half of it, so that a job's
     *                      WORKER_STOPPED event still gets out while the broker answers
     */
    public AcknowledgedSends(ProgressConfig config,
            @ConfigProperty(name = "backup.jobs.shutdown-grace", defaultValue = "20s") Duration shutdownGrace) {
        this.retry = Retry.untilStopped(new Backoff(config.retryInitial(), config.retryMax()));
        this.stoppingGrace = shutdownGrace.dividedBy(2);
    }

    public <T> void send(MutinyEmitter<T> emitter, Supplier<Message<T>> message, Retry.Listener onRetry) {
        try {
            retry.run(attempt -> sendOnce(emitter, message.get()), this::pause, onRetry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventsStoppedException("interrupted while waiting to send again");
        }
    }

    private <T> Void sendOnce(MutinyEmitter<T> emitter, Message<T> message) {
        CompletableFuture<Void> ack;
        try {
            ack = emitter.sendMessage(message).subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        while (true) {
            try {
                ack.get(CHECK_MILLIS, TimeUnit.MILLISECONDS);
                return null;
            } catch (TimeoutException e) {
                // still in the producer's hands, which retries by itself: wait on, never send twice
                if (stopping && System.nanoTime() - stoppingSince > stoppingGrace.toNanos()) {
                    throw new EventsStoppedException("the worker stopped before the broker acknowledged a record");
                }
            } catch (ExecutionException e) {
                throw unavailable(e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventsStoppedException("interrupted while waiting for the broker");
            }
        }
    }

    private static JobFailedException unavailable(Throwable cause) {
        return new JobFailedException(Failure.retryable(ErrorCode.BROKER_UNAVAILABLE,
                cause.getClass().getSimpleName() + ": " + cause.getMessage()));
    }

    /** Waits before a resend, in short steps so that a stopping worker is noticed. */
    private void pause(Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < until) {
            if (stopping) {
                throw new EventsStoppedException("the worker stopped before a record reached the broker");
            }
            Thread.sleep(Math.min(CHECK_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }

    /** Before the jobs are cancelled, so that a job stuck on an unreachable broker lets go. */
    void onStop(@Observes @Priority(0) ShutdownEvent event) {
        stoppingSince = System.nanoTime();
        stopping = true;
    }
}
