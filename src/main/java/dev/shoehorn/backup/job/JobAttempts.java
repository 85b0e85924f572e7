package dev.shoehorn.backup.job;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.JobEvents;

/**
 * Attempts of one job: a retryable failure is tried again after a backoff, as attempt 2, 3… of
 * the same job (events carry the attempt); a permanent one, the last attempt's failure or a stop
 * ends the job with its failed event.
 */
@ApplicationScoped
public class JobAttempts {

    private static final Logger LOG = Logger.getLogger(JobAttempts.class);

    private final JobsConfig config;
    private final JobMetrics metrics;
    private final Backoff backoff;

    public JobAttempts(JobsConfig config, JobMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
    }

    /** Runs a job of {@code kind} ("backup", "restore") to its end and counts it in the metrics. */
    public JobOutcome run(String kind, JobEvents events, Cancellation cancellation, EventType failedType,
            Supplier<JobOutcome> attempt) {
        return run(kind, events, cancellation, failedType, () -> Details.NONE, attempt);
    }

    /** As above, with what the job knows at its end added to its failed event (a restore: whether the target changed). */
    public JobOutcome run(String kind, JobEvents events, Cancellation cancellation, EventType failedType,
            Supplier<Details> failedDetails, Supplier<JobOutcome> attempt) {
        long started = System.nanoTime();
        JobOutcome outcome = attempts(events, cancellation, failedType, failedDetails, attempt, started);
        metrics.ended(kind, events.target(), outcome, Duration.ofNanos(System.nanoTime() - started));
        return outcome;
    }

    private JobOutcome attempts(JobEvents events, Cancellation cancellation, EventType failedType,
            Supplier<Details> failedDetails, Supplier<JobOutcome> attempt, long started) {
        for (int n = 1;; n++) {
            events.attempt(n);
            Failure failure;
            try {
                return attempt.get();
            } catch (JobFailedException e) {
                failure = cancellation.isCancelled() ? cancellation.reason() : e.failure();
            } catch (RuntimeException e) {
                LOG.errorf(e, "job=%s target=%s stage=internal-error", events.jobId(), events.target());
                failure = Failure.permanent(ErrorCode.INTERNAL, e.toString());
            }
            if (failure.retryable() && failure.code() != ErrorCode.WORKER_STOPPED && n < config.maxAttempts()) {
                Duration wait = backoff.before(n + 1);
                LOG.infof("job=%s target=%s stage=retrying attempt=%d code=%s wait=%s", events.jobId(), events.target(),
                        n, failure.code(), wait);
                try {
                    cancellation.sleep(wait);
                    continue;
                } catch (JobFailedException stopped) {
                    failure = stopped.failure();
                }
            }
            events.emit(failedType, failedDetails.get().error(ErrorInfo.of(failure)).duration(millisSince(started)));
            return failure.code() == ErrorCode.WORKER_STOPPED ? JobOutcome.ABANDONED : JobOutcome.FAILED;
        }
    }

    public static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
