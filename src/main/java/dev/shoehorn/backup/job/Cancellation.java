package dev.shoehorn.backup.job;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

/**
 * Lets a running job be stopped from outside (worker shutdown, job timeout). Resources that block
 * (a child process, an upload) register a hook that unblocks them.
 */
public final class Cancellation {

    private static final long AWAIT_POLL_MILLIS = 100;

    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
    private volatile Failure reason;

    public boolean isCancelled() {
        return reason != null;
    }

    public Failure reason() {
        return reason;
    }

    public void cancel(Failure why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            notifyAll();
        }
        hooks.forEach(Runnable::run);
    }

    /** Runs {@code hook} on cancellation, at once if already cancelled. Returns a handle to remove it. */
    public Runnable onCancel(Runnable hook) {
        hooks.add(hook);
        if (isCancelled()) {
            hook.run();
        }
        return () -> hooks.remove(hook);
    }

    /** Throws the cancellation reason if the job was cancelled: call between steps. */
    public void check() {
        Failure why = reason;
        if (why != null) {
            throw new JobFailedException(why);
        }
    }

    /**
     * The value of {@code future}, a step of this job run on another thread, waited for while the
     * job is not cancelled; the step's own failure is rethrown as it was thrown.
     *
     * @throws IllegalStateException when the step failed with a checked exception: steps throw
     *         {@link JobFailedException}s
     */
    public <T> T await(java.util.concurrent.Future<T> future) {
        while (true) {
            try {
                return future.get(AWAIT_POLL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                check();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
            }
        }
    }

    /** Sleeps, waking early (and throwing) on cancellation. */
    public void sleep(java.time.Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (this) {
            while (reason == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
                }
            }
        }
        check();
    }
}
