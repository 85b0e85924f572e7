package dev.shoehorn.backup.failure;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the worker's own background work, named for thread dumps and logs. Daemons: none of
 * them may hold the JVM up once Quarkus has stopped; each owner ends its work itself.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads all named {@code name}. */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
