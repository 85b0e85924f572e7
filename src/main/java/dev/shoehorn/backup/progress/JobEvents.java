package dev.shoehorn.backup.progress;

import org.jboss.logging.Logger;

import io.opentelemetry.context.Context;

/**
 * The event stream of one job: numbers events 1, 2, 3… without gaps, tags them with the current
 * attempt, and writes one log line per state change. An event's number is taken only once the
 * broker has acknowledged it, so a send that is given up (the worker stopping) leaves no gap.
 */
public final class JobEvents {

    private static final Logger LOG = Logger.getLogger(JobEvents.class);

    private final ProgressPublisher publisher;
    private final String jobId;
    private final String commandId;
    private final String target;
    /** The trace context the job runs in: that of whoever made its event stream. */
    private final Context trace = Context.current();
    private long seq;
    private volatile int attempt = 1;

    JobEvents(ProgressPublisher publisher, String jobId, String commandId, String target, long lastSeq) {
        this.publisher = publisher;
        this.jobId = jobId;
        this.commandId = commandId;
        this.target = target;
        this.seq = lastSeq;
    }

    public String jobId() {
        return jobId;
    }

    public String commandId() {
        return commandId;
    }

    public String target() {
        return target;
    }

    /** The context of the job's span: its steps' spans are its children, and so are events sent off its steps. */
    public Context trace() {
        return trace;
    }

    public int attempt() {
        return attempt;
    }

    /** {@code seq} of the last event emitted (0 before the first). */
    public synchronized long lastSeq() {
        return seq;
    }

    public void attempt(int attempt) {
        this.attempt = attempt;
    }

    /**
     * Publishes the event and returns once the broker has it.
     *
     * @throws EventsStoppedException when the worker stops before the broker acknowledged it
     */
    public synchronized void emit(StageEvent event) {
        long next = seq + 1;
        EventType type = event.type();
        if (type.isProgress()) {
            LOG.debugf("job=%s target=%s stage=%s seq=%d%s", jobId, target, type.stage(), next, event.logFields());
        } else {
            LOG.infof("job=%s target=%s stage=%s seq=%d attempt=%d%s", jobId, target, type.stage(), next, attempt,
                    event.logFields());
        }
        publisher.publish(this, next, event);
        seq = next;
    }
}
