package dev.shoehorn.backup.failure;

import java.time.Duration;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * A daemon thread that runs one round, waits as long as the round says, and again, until stopped:
 * the shape of the worker's schedulers and watchdogs. A round that throws is logged and the loop goes
 * on (the next round may find storage or the broker back); stopping wakes the wait at once.
 */
public final class BackgroundLoop {

    private static final Logger LOG = Logger.getLogger(BackgroundLoop.class);

    private final StopSignal stop = new StopSignal();
    private final Thread thread;

    private BackgroundLoop(String name, Supplier<Duration> round) {
        this.thread = new Thread(() -> run(name, round), name);
        this.thread.setDaemon(true);
    }

    /** @param round one round; returns how long to wait before the next */
    public static BackgroundLoop start(String name, Supplier<Duration> round) {
        BackgroundLoop loop = new BackgroundLoop(name, round);
        loop.thread.start();
        return loop;
    }

    private void run(String name, Supplier<Duration> round) {
        while (!stop.stopped()) {
            Duration wait;
            try {
                wait = round.get();
            } catch (RuntimeException e) {
                if (stop.stopped()) {
                    return; // a round cut short by the stop
                }
                LOG.errorf(e, "loop=%s stage=round-failed", name);
                wait = Duration.ofSeconds(1);
            }
            try {
                stop.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the loop and waits up to {@code grace} for its round to end. */
    public void stop(Duration grace) throws InterruptedException {
        stop.stop();
        thread.join(grace.toMillis());
    }
}
