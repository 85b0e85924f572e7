package dev.shoehorn.backup.storage;

import java.time.Duration;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;

/**
 * How one S3 call of an upload rides out an object-store outage: it is tried again, while its
 * failure is retryable ({@link StorageFailures}), until {@code backup.storage.retry-window} has
 * passed since its first try. Restarting the job instead would throw away everything uploaded so
 * far. The waits end at once when the given {@link Cancellation} is cancelled.
 */
final class StorageRetry {

    /** Quick enough for a store that restarts, sparse enough not to add load to one that struggles. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));

    private static final Logger LOG = Logger.getLogger(StorageRetry.class);

    private final Retry retry;

    StorageRetry(Backoff backoff, Duration window) {
        this.retry = Retry.of(backoff, 1).within(window);
    }

    /** Runs {@code call}; throws its last failure or, once {@code stop} is cancelled, the reason. */
    <T> T call(String action, Cancellation stop, Supplier<T> call) {
        try {
            return retry.onlyIf(failure -> !stop.isCancelled()).run(attempt -> {
                stop.check();
                try {
                    return call.get();
                } catch (RuntimeException e) {
                    throw StorageFailures.of(action, e);
                }
            }, stop::sleep, (attempt, failure, wait) -> LOG.warnf("stage=storage-retry attempt=%d waitMs=%d msg=\"%s\"",
                    attempt, wait.toMillis(), failure.message()));
        } catch (JobFailedException e) {
            // a call cut short by a stop (a job timing out, the worker shutting down) fails for that reason
            stop.check();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR, action + ": interrupted"), e);
        }
    }
}
