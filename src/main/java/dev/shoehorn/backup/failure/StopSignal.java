package dev.shoehorn.backup.failure;

import java.time.Duration;

/**
 * The sleeper of a background loop that retries until it is told to stop: a wait between tries ends
 * at once when {@link #stop()} is called, and then ends the retrying ({@link InterruptedException}).
 */
public final class StopSignal implements Retry.Sleeper {

    private volatile boolean stopped;

    public void stop() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
    }

    public boolean stopped() {
        return stopped;
    }

    @Override
    public synchronized void sleep(Duration wait) throws InterruptedException {
        if (!stopped) {
            wait(Math.max(1, wait.toMillis()));
        }
        if (stopped) {
            throw new InterruptedException("stopped");
        }
    }
}
