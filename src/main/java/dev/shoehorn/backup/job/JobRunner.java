package dev.shoehorn.backup.job;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Runs jobs on threads of their own. Jobs block (on pg_dump's output, on S3) for minutes or hours,
 * so they never run on the messaging threads. A job first waits for its target's lock, holding no
 * slot, then takes one of {@code backup.jobs.concurrency} slots for its work: a command stuck
 * behind another job of its target never keeps a job of another target from running. On shutdown
 * every job is cancelled with a retryable WORKER_STOPPED so that its command, left
 * unacknowledged, is redelivered to whichever worker owns the partition next.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final long SLOT_POLL_MILLIS = 200;

    /** A slot held by a job; closing it gives it back. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** A submitted job: admitted once it has a place among the queued jobs, ended with its outcome. */
    public record Submitted(CompletionStage<Void> admitted, CompletionStage<JobOutcome> ended) {
    }

    private final JobsConfig config;
    private final Semaphore queued;
    private final Semaphore slots;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public JobRunner(JobsConfig config) {
        this.config = config;
        this.queued = new Semaphore(Math.max(config.maxQueued(), config.concurrency()), true);
        this.slots = new Semaphore(config.concurrency(), true);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("job-timer"));
    }

    /**
     * Starts {@code job} once a place among the queued jobs is free. A consumer that waits for
     * {@code admitted} takes its next command only when this one is queued. During shutdown
     * neither stage completes: the command stays unacknowledged.
     */
    public Submitted submit(String name, Function<Cancellation, JobOutcome> job) {
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        CompletableFuture<JobOutcome> ended = new CompletableFuture<>();
        if (stopping) {
            return new Submitted(admitted, ended);
        }
        executor.execute(() -> {
            try {
                queued.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Cancellation cancellation = new Cancellation();
            running.add(cancellation);
            ScheduledFuture<?> deadline = timer.schedule(
                    () -> cancellation.cancel(Failure.permanent(ErrorCode.TIMEOUT,
                            "job exceeded backup.jobs.timeout=" + config.timeout())),
                    config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                if (stopping) {
                    return;
                }
                admitted.complete(null);
                ended.complete(job.apply(cancellation));
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "job=%s stage=crashed", name);
                ended.completeExceptionally(e);
            } finally {
                deadline.cancel(false);
                running.remove(cancellation);
                queued.release();
            }
        });
        return new Submitted(admitted, ended);
    }

    /** Waits for a free slot, giving up (with the job's failure) when the job is cancelled. */
    public Slot slot(Cancellation cancellation) {
        try {
            while (!slots.tryAcquire(SLOT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                cancellation.check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancellation.cancel(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted while waiting for a slot"));
            cancellation.check();
        }
        return slots::release;
    }

    /** Jobs holding a slot. */
    public int inFlight() {
        return config.concurrency() - slots.availablePermits();
    }

    /** Jobs accepted and not ended: running, or waiting for a lock or a slot. */
    public int queued() {
        return running.size();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        int jobs = running.size();
        if (jobs > 0) {
            LOG.infof("stage=stopping jobs=%d grace=%s", jobs, config.shutdownGrace());
        }
        running.forEach(c -> c.cancel(Failure.retryable(ErrorCode.WORKER_STOPPED,
                "the worker is stopping; the command stays uncommitted and is redelivered")));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("stage=stopping jobs=%d msg=\"jobs did not stop within the grace period\"", running.size());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }
}
