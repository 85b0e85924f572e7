package dev.shoehorn.backup.progress;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * The event stream of one job: numbers events 1, 2, 3… without gaps, tags them with the current
 * attempt, and writes one log line per state change.
 */
public final class JobEvents {

    private static final Logger LOG = Logger.getLogger(JobEvents.class);

    private final ProgressPublisher publisher;
    private final String jobId;
    private final String commandId;
    private final String target;
    private final AtomicLong seq = new AtomicLong();
    private volatile int attempt = 1;

    JobEvents(ProgressPublisher publisher, String jobId, String commandId, String target, long lastSeq) {
        this.publisher = publisher;
        this.jobId = jobId;
        this.commandId = commandId;
        this.target = target;
        this.seq.set(lastSeq);
    }

    public String jobId() {
        return jobId;
    }

    public String target() {
        return target;
    }

    public int attempt() {
        return attempt;
    }

    /** {@code seq} of the last event emitted (0 before the first). */
    public long lastSeq() {
        return seq.get();
    }

    public void attempt(int attempt) {
        this.attempt = attempt;
    }

    public synchronized void emit(EventType type, Details details) {
        EventData data = new EventData(jobId, commandId, target, seq.incrementAndGet(), attempt, details);
        if (type.isProgress()) {
            LOG.debugf("job=%s target=%s stage=%s bytes=%d percent=%d", jobId, target, type.stage(),
                    details.bytesDone(), details.percent());
        } else {
            LOG.infof("job=%s target=%s stage=%s seq=%d attempt=%d%s", jobId, target, type.stage(), data.seq(),
                    attempt, describe(details));
        }
        publisher.publish(type, data);
    }

    private static String describe(Details d) {
        StringBuilder sb = new StringBuilder();
        if (d.archive() != null) {
            sb.append(" archive=").append(d.archive().key()).append(" bytes=").append(d.archive().bytes());
        }
        if (d.durationMs() != null) {
            sb.append(" durationMs=").append(d.durationMs());
        }
        if (d.error() != null) {
            sb.append(" code=").append(d.error().code()).append(" retryable=").append(d.error().retryable())
                    .append(" msg=\"").append(d.error().message().replace('"', '\'')).append('"');
        }
        if (d.originalJobId() != null) {
            sb.append(" originalJob=").append(d.originalJobId());
        }
        if (d.restoreJobId() != null) {
            sb.append(" restoreJob=").append(d.restoreJobId());
        }
        if (d.mode() != null) {
            sb.append(" mode=").append(d.mode());
        }
        if (d.keysRemoved() != null) {
            sb.append(" keysRemoved=").append(d.keysRemoved());
        }
        if (d.targetChanged() != null) {
            sb.append(" targetChanged=").append(d.targetChanged());
        }
        if (d.keptDatabase() != null) {
            sb.append(" kept=").append(d.keptDatabase());
        }
        if (d.rollbackOf() != null) {
            sb.append(" rollbackOf=").append(d.rollbackOf());
        }
        return sb.toString();
    }
}
