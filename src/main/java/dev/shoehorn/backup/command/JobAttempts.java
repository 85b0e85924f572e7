package dev.shoehorn.backup.command;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.progress.EventsStoppedException;
import dev.shoehorn.backup.progress.JobEvents;

/**
 * The retry policy of jobs ({@code backup.jobs.*}) on {@link Retry}: a retryable failure is tried
 * again after a backoff, at least {@code max-attempts} times and for at least {@code retry-window};
 * a permanent one, a stop or a cancellation ends it at once. A bug (any other exception) is a
 * permanent INTERNAL failure, so that it ends the job with its failed event like any other.
 */
@ApplicationScoped
public class JobAttempts {

    private static final Logger LOG = Logger.getLogger(JobAttempts.class);

    private final Retry retry;

    public JobAttempts(JobsConfig config) {
        this.retry = Retry.of(new Backoff(config.backoffInitial(), config.backoffMax()), config.maxAttempts())
                .within(config.retryWindow())
                .onlyIf(f -> f.code() != ErrorCode.WORKER_STOPPED);
    }

    /** Attempts of a job's work; events carry the attempt number. */
    public <T> T run(JobEvents events, Cancellation cancellation, Retry.Call<T> work) {
        return retrying(events, cancellation, attempt -> {
            events.attempt(attempt);
            return work.call(attempt);
        });
    }

    /** A step before the work (taking the lock, reading the record) retried by the same policy. */
    public <T> T retrying(JobEvents events, Cancellation cancellation, Retry.Call<T> step) {
        try {
            return retry.run(attempt -> once(events, cancellation, step, attempt), cancellation::sleep,
                    (attempt, failure, wait) -> LOG.infof(
                            "job=%s target=%s stage=retrying attempt=%d code=%s wait=%s msg=\"%s\"", events.jobId(),
                            events.target(), attempt, failure.code(), wait, failure.message()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        }
    }

    private static <T> T once(JobEvents events, Cancellation cancellation, Retry.Call<T> step, int attempt)
            throws InterruptedException {
        try {
            return step.call(attempt);
        } catch (JobFailedException e) {
            // a child killed by a cancellation fails with its own error; the cancellation is the reason
            throw cancellation.isCancelled() ? new JobFailedException(cancellation.reason(), e) : e;
        } catch (EventsStoppedException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "job=%s target=%s stage=internal-error", events.jobId(), events.target());
            throw new JobFailedException(Failure.permanent(ErrorCode.INTERNAL, e.toString()), e);
        }
    }
}
