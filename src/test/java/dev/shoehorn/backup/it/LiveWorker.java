package dev.shoehorn.backup.it;

import java.util.Map;
import java.util.function.Function;

/**
 * The one live worker of a test class's consumer group, for cases that each crash a worker and
 * start the one that takes over: the survivor of a case is the worker the next case crashes, as
 * a worker's start-up is most of a case's time. Each case still stands alone: it gets a worker
 * whether or not one lives.
 */
final class LiveWorker implements AutoCloseable {

    private final ProcessStack stack;
    private final String prefix;
    private final Function<String, Map<String, String>> settings;
    private WorkerJvm live;
    private int started;

    /** @param settings a worker's settings by its name */
    LiveWorker(ProcessStack stack, String prefix, Function<String, Map<String, String>> settings) {
        this.stack = stack;
        this.prefix = prefix;
        this.settings = settings;
    }

    /** The live worker, started if none lives (the last one crashed or was stopped). */
    WorkerJvm get() throws Exception {
        if (live == null || !live.isAlive()) {
            String name = prefix + "-" + ++started;
            live = stack.worker(name, settings.apply(name));
        }
        return live;
    }

    @Override
    public void close() throws InterruptedException {
        if (live != null) {
            live.close();
        }
    }
}
