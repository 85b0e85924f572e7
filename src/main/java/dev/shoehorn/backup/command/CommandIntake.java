package dev.shoehorn.backup.command;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.job.JobOutcome;
import dev.shoehorn.backup.job.JobRunner;
import dev.shoehorn.backup.progress.EventsStoppedException;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.signing.CommandSignatures;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.tracing.Stage;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The edge every command topic shares. It refuses before it acts: a record that is malformed,
 * mis-keyed, for an unknown target, unsigned where signatures are required or wrongly signed,
 * stale, or refused by the kind's own guard rails gets a
 * rejected event and a dead-letter copy, and never reaches a database. A command already ended
 * is skipped. A good one is handed to the job runner, and its record is acknowledged in one place
 * ({@link #finish}) when its job has ended, whatever way it ended, so that no record is left to
 * stall its partition; a worker stopped mid-job leaves it to be redelivered.
 */
public final class CommandIntake<C extends Command> {

    private static final Logger LOG = Logger.getLogger(CommandIntake.class);

    private final CommandKind<C> kind;
    private final CommandIntakes shared;
    /** Intake does blocking I/O (S3, Kafka acks) and must stay off the connector's event loop. */
    private final ExecutorService executor;
    private final Retry admission;

    CommandIntake(CommandKind<C> kind, CommandIntakes shared, Retry admission) {
        this.kind = kind;
        this.shared = shared;
        this.admission = admission;
        this.executor = Executors.newSingleThreadExecutor(DaemonThreads.named(kind.name() + "-intake"));
    }

    public CompletionStage<Void> receive(Message<byte[]> message) {
        return CompletableFuture.supplyAsync(() -> intake(message), executor).thenCompose(admitted -> admitted);
    }

    /**
     * One record, in the span of its processing (continuing the trace its {@code traceparent}
     * names): the span ends here for a refused or skipped command, and when its job has ended
     * ({@link #finish}) for one handed over.
     */
    private CompletionStage<Void> intake(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        String jobId = UUID.randomUUID().toString();
        Span span = shared.traces().process(new Traces.Delivery(record.getTopic(), record.getPartition(),
                record.getOffset(), keyOf(record), shared.group()), Traces.fromHeaders(record.getHeaders()));
        span.setAttribute(Traces.JOB_ID, jobId);
        boolean handedOver = false;
        try (Scope scope = span.makeCurrent()) {
            C command;
            try {
                command = shared.traces().call(Stage.INTAKE, Context.current(), () -> admit(message, record));
            } catch (RejectedException e) {
                ended(span, "rejected", e.rejection().failure());
                return reject(message, record, e.rejection(), jobId);
            }
            span.setAttribute(Traces.COMMAND_ID, command.commandId().toString());
            span.setAttribute(Traces.TARGET, command.target());
            JobEvents events = shared.progress().job(jobId, command.commandId().toString(), command.target());
            Optional<CommandRecord> earlier = shared.ledger().peek(kind.name(), command);
            if (earlier.isPresent() && earlier.get().state().isFinal()) {
                events.emit(kind.skipped(earlier.get()));
                span.setAttribute(Traces.OUTCOME, "skipped");
                return message.ack();
            }
            events.emit(kind.accepted(command));
            JobRunner.Submitted job = shared.runner().submit(jobId, Context.current().wrapFunction(
                    cancellation -> shared.jobs().run(kind, command, events, cancellation)));
            job.ended().whenComplete((outcome, error) -> {
                try {
                    finish(message, command, events, outcome, error);
                } finally {
                    span.setAttribute(Traces.OUTCOME, outcome == null ? "crashed" : outcome.name().toLowerCase(Locale.ROOT));
                    span.end();
                }
            });
            handedOver = true;
            return job.admitted();
        } catch (EventsStoppedException | InterruptedException e) {
            LOG.infof("job=%s stage=intake-stopped topic=%s partition=%d offset=%d", jobId, record.getTopic(),
                    record.getPartition(), record.getOffset());
            span.setAttribute(Traces.OUTCOME, "stopped");
            return new CompletableFuture<>(); // stopping: leave the record uncommitted
        } finally {
            if (!handedOver) {
                span.end();
            }
        }
    }

    private static void ended(Span span, String outcome, Failure failure) {
        span.setAttribute(Traces.OUTCOME, outcome);
        Traces.failed(span, failure);
    }

    /** Reads the record and runs every check, cheapest first; storage errors are waited out, never turned into a refusal. */
    private C admit(Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record) throws InterruptedException {
        C command = kind.read(message.getPayload());
        String key = keyOf(record);
        if (!command.target().equals(key)) {
            throw RejectedException.of(command, ErrorCode.KEY_MISMATCH, "the record's key " + (key == null ? "(none)"
                    : "does not equal") + " its target " + command.target()
                    + ": commands are keyed by target so that one database's commands stay in order");
        }
        if (shared.targets().find(command.target()).isEmpty()) {
            throw RejectedException.of(command, ErrorCode.UNKNOWN_TARGET,
                    "target " + command.target() + " is not configured in this worker");
        }
        // A signature of the other kind fails here: a signed backup replayed as a restore is refused.
        CommandSignatures.Decision signature = shared.signatures().check(kind.signedKind(), message,
                command.target(), command.requestedAt());
        if (signature instanceof CommandSignatures.Decision.Refused refused) {
            throw RejectedException.of(command, refused.failure().code(), refused.failure().message());
        }
        Instant issued = signature instanceof CommandSignatures.Decision.Signed signed ? signed.requestedAt()
                : record.getTimestamp();
        shared.freshness().check(command, issued, kind.maxAge(), kind.name());
        try {
            return admission.run(attempt -> {
                try {
                    return kind.admit(command);
                } catch (RejectedException | JobFailedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A bug must not stop the partition: the record is refused and kept in the DLQ.
                    LOG.errorf(e, "command=%s stage=intake-error", command.commandId());
                    throw RejectedException.of(command, ErrorCode.INTERNAL,
                            "the worker failed to check this command: " + e.getClass().getSimpleName());
                }
            }, Retry.THREAD_SLEEP, (attempt, failure, wait) -> LOG.warnf(
                    "command=%s target=%s stage=intake-retry code=%s wait=%s msg=\"%s\"", command.commandId(),
                    command.target(), failure.code(), wait, failure.message()));
        } catch (JobFailedException e) {
            throw RejectedException.of(command, e.failure().code(), e.failure().message());
        }
    }

    private static String keyOf(IncomingKafkaRecordMetadata<?, ?> record) {
        Object key = record.getKey();
        if (key instanceof byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes) ? text : null;
        }
        return key == null ? null : key.toString();
    }

    private CompletionStage<Void> reject(Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record,
            Rejection rejection, String jobId) {
        shared.deadLetters().send(record, message.getPayload(), rejection, jobId);
        shared.progress().job(jobId, rejection.commandId(), rejection.target())
                .emit(kind.rejected(rejection.failure()));
        return message.ack();
    }

    /** The one place a handed-over command's record is acknowledged. */
    private void finish(Message<byte[]> message, C command, JobEvents events, JobOutcome outcome, Throwable error) {
        if (error == null) {
            if (outcome.commit()) {
                message.ack();
            }
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof EventsStoppedException) {
            return; // the worker is stopping: redelivered later
        }
        LOG.errorf(cause, "job=%s target=%s stage=job-crashed", events.jobId(), events.target());
        try {
            events.emit(kind.failed(command, events.jobId(),
                    Failure.permanent(ErrorCode.INTERNAL, "the job crashed: " + cause), 0, false));
            message.ack();
        } catch (EventsStoppedException e) {
            LOG.infof("job=%s stage=stopped-before-failed-event", events.jobId());
        }
    }

    public void close() {
        executor.shutdownNow();
    }
}
