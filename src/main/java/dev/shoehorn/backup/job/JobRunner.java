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
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;

/**
 * Runs jobs on threads of their own, at most {@code backup.jobs.concurrency} at once. Jobs block
 * (on pg_dump's output, on S3) for minutes or hours, so they never run on the messaging threads.
 * On shutdown every job is cancelled with a retryable WORKER_STOPPED so that its command, left
 * unacknowledged, is redelivered to whichever worker owns the partition next.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobsConfig config;
    private final Semaphore slots;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public JobRunner(JobsConfig config) {
        this.config = config;
        this.slots = new Semaphore(config.concurrency(), true);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code job} once a slot is free. The returned stage completes when the job has its
     * slot, so a consumer that waits for it takes the next command only when that one can start.
     * During shutdown the stage never completes: the command stays unacknowledged.
     */
    public CompletionStage<Void> submit(String name, Consumer<Cancellation> job) {
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        if (stopping) {
            return admitted;
        }
        executor.execute(() -> {
            try {
                slots.acquire();
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
                job.accept(cancellation);
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "job=%s stage=crashed", name);
            } finally {
                deadline.cancel(false);
                running.remove(cancellation);
                slots.release();
            }
        });
        return admitted;
    }

    /** Jobs currently holding a slot. */
    public int inFlight() {
        return running.size();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        int jobs = running.size();
        if (jobs > 0) {
            LOG.infof("stage=stopping jobs=%d grace=%s", jobs, config.shutdownGrace());
        }
        running.forEach(c -> c.cancel(Failure.retryable(ErrorCode.WORKER_STOPPED, "the worker is stopping; the command stays uncommitted and is redelivered")));
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
