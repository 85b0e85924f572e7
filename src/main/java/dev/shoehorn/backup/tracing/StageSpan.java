package dev.shoehorn.backup.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * A step's span, current on its thread until closed. For steps that overlap (a dump and its
 * upload) and so cannot be one call: the step calls {@link #done()} when it succeeded; one closed
 * without it is marked as not completed, its cause on the job's span and in its failed event.
 */
public final class StageSpan implements AutoCloseable {

    private final Span span;
    private final Scope scope;
    private boolean done;
    private boolean failed;

    StageSpan(Span span) {
        this.span = span;
        this.scope = span.makeCurrent();
    }

    public void done() {
        done = true;
    }

    /** Marks the step failed by {@code error} (its code where it is a job failure). */
    public void failed(Throwable error) {
        failed = true;
        Traces.failed(span, error);
    }

    @Override
    public void close() {
        if (!done && !failed) {
            span.setStatus(StatusCode.ERROR, "not completed");
        }
        scope.close();
        span.end();
    }
}
