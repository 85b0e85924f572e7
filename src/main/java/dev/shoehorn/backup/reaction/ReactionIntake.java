package dev.shoehorn.backup.reaction;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.reaction.RestoreCompletedReader.Result;
import dev.shoehorn.backup.signing.EventSignatures;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The edge of one reaction on the progress topic: reads each record off the connector's event
 * loop, hands the restore.completed events that ask for the reaction to it, and acknowledges a
 * record only when the reaction has ended, so that a worker stopped or killed mid-reaction leaves
 * the event to be redelivered. Everything else is acknowledged at once. Records are taken one at
 * a time: a reaction never runs twice at once in one process.
 */
final class ReactionIntake {

    private static final Logger LOG = Logger.getLogger(ReactionIntake.class);

    private final Reaction reaction;
    private final RestoreCompletedReader reader;
    private final ExecutorService executor;
    private final EventSignatures signatures;
    private final Traces traces;
    private final String group;

    ReactionIntake(Reaction reaction, ObjectMapper json, EventSignatures signatures, Traces traces, String group) {
        this.reaction = reaction;
        this.traces = traces;
        this.group = group;
        this.reader = new RestoreCompletedReader(json);
        this.signatures = signatures;
        this.executor = Executors.newSingleThreadExecutor(DaemonThreads.named("reaction-" + reaction.name()));
    }

    CompletionStage<Void> receive(Message<byte[]> message) {
        return CompletableFuture.supplyAsync(() -> handle(message), executor).thenCompose(done -> done);
    }

    private CompletionStage<Void> handle(Message<byte[]> message) {
        Result result;
        try {
            result = reader.read(message.getPayload());
        } catch (RuntimeException e) {
            // Whatever the record is, it must not stop the channel (failure-strategy=fail).
            LOG.errorf("reaction=%s stage=ignored reason=\"unreadable record: %s\"", reaction.name(),
                    e.getClass().getSimpleName());
            return message.ack();
        }
        if (result instanceof Result.Unusable unusable) {
            LOG.warnf("reaction=%s stage=ignored reason=\"%s\"", reaction.name(), unusable.reason());
        } else if (result instanceof Result.Completed completed && reaction.wants(completed.event())) {
            // signing: where signed events are required, a forged restore.completed is refused here
            if (!signatures.admits(reaction.name(), message, completed.event().restoreJobId())) {
                return message.ack();
            }
            Span span = process(message, completed);
            try (Scope scope = span.makeCurrent()) {
                traces.run(reaction.stage(), Context.current(), () -> reaction.react(completed.event()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.infof("reaction=%s restoreJob=%s stage=interrupted", reaction.name(),
                        completed.event().restoreJobId());
                return new CompletableFuture<>(); // stopping: leave the record unacknowledged
            } catch (RuntimeException e) {
                // A bug must not stop the partition; the reaction's record says what was done.
                LOG.errorf(e, "reaction=%s restoreJob=%s stage=internal-error", reaction.name(),
                        completed.event().restoreJobId());
            } finally {
                span.end();
            }
        }
        return message.ack();
    }

    /** The span of reacting to one event: a child of the restore.completed's own send, so that the restore's trace goes on. */
    private Span process(Message<byte[]> message, Result.Completed completed) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        Span span = traces.process(new Traces.Delivery(record.getTopic(), record.getPartition(), record.getOffset(),
                completed.event().target(), group), completed.creation());
        span.setAttribute(Traces.JOB_ID, Reaction.jobId(reaction.name(), completed.event().restoreJobId()));
        span.setAttribute(Traces.TARGET, completed.event().target());
        return span;
    }

    void close() {
        executor.shutdownNow();
    }
}
