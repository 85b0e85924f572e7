package dev.shoehorn.backup.failure;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The one retry loop of the worker: jobs, object-store calls, reaction records and HTTP calls all
 * go through it. A call fails by throwing a {@link JobFailedException}; its {@link Failure} says
 * whether another try may help. Retrying stops at a permanent failure, or once both the minimum
 * number of attempts has been made and the window has passed, so that a short outage (a broker or
 * object store restarting) is waited out whatever the attempt count says.
 */
public final class Retry {

    /** One try; {@code attempt} counts from 1. Throws {@link JobFailedException} to fail it. */
    @FunctionalInterface
    public interface Call<T> {
        T call(int attempt) throws InterruptedException;
    }

    /** Waits between tries: a job's cancellable sleep, or {@link Thread#sleep} elsewhere. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Told before each wait, so that the caller can write its one log line. */
    @FunctionalInterface
    public interface Listener {
        void retrying(int failedAttempt, Failure failure, Duration wait);
    }

    public static final Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis());

    private final Backoff backoff;
    private final int minAttempts;
    private final Duration window;
    private final Predicate<Failure> retryable;
    private final LongSupplier nanoClock;

    private Retry(Backoff backoff, int minAttempts, Duration window, Predicate<Failure> retryable,
            LongSupplier nanoClock) {
        if (minAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
        this.backoff = Objects.requireNonNull(backoff);
        this.minAttempts = minAttempts;
        this.window = Objects.requireNonNull(window);
        this.retryable = Objects.requireNonNull(retryable);
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    /** Retries retryable failures with {@code backoff}, up to {@code maxAttempts} attempts and no window. */
    public static Retry of(Backoff backoff, int maxAttempts) {
        return new Retry(backoff, maxAttempts, Duration.ZERO, Failure::retryable, System::nanoTime);
    }

    /** Retries retryable failures until the caller's sleeper stops it (a cancellation, an interrupt). */
    public static Retry untilStopped(Backoff backoff) {
        return new Retry(backoff, Integer.MAX_VALUE, Duration.ZERO, Failure::retryable, System::nanoTime);
    }

    /** Keeps retrying after the attempts are used up until {@code window} has passed since the first try. */
    public Retry within(Duration minimumWindow) {
        return new Retry(backoff, minAttempts, minimumWindow, retryable, nanoClock);
    }

    /** Narrows which failures are retried (they must be retryable as well). */
    public Retry onlyIf(Predicate<Failure> condition) {
        return new Retry(backoff, minAttempts, window, retryable.and(condition), nanoClock);
    }

    /** For tests: a clock other than {@link System#nanoTime()}. */
    Retry clock(LongSupplier nanos) {
        return new Retry(backoff, minAttempts, window, retryable, nanos);
    }

    public <T> T run(Call<T> call, Sleeper sleeper, Listener listener) throws InterruptedException {
        long start = nanoClock.getAsLong();
        for (int attempt = 1;; attempt++) {
            try {
                return call.call(attempt);
            } catch (JobFailedException e) {
                Failure failure = e.failure();
                if (!retryable.test(failure) || !worthAnother(attempt, start)) {
                    throw e;
                }
                Duration wait = backoff.before(attempt + 1);
                listener.retrying(attempt, failure, wait);
                sleeper.sleep(wait);
            }
        }
    }

    private boolean worthAnother(int attemptsMade, long start) {
        boolean attemptsLeft = attemptsMade < minAttempts;
        boolean windowLeft = nanoClock.getAsLong() - start < window.toNanos();
        return attemptsLeft || windowLeft;
    }
}
