package dev.shoehorn.backup.command;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.job.JobFailedException;
import dev.shoehorn.backup.job.JobRunner;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.ErrorInfo;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.signing.CommandSignatures;
import dev.shoehorn.backup.storage.CommandRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The edge every command topic shares: refuses bad records (rejected event + dead letter, then
 * commit), skips commands already done, and hands good ones to the {@link JobRunner}. A command's
 * offset is acknowledged only when its job has ended, so a worker killed mid-job leaves the
 * command to be redelivered.
 */
public final class CommandIntake<C> {

    private static final Logger LOG = Logger.getLogger(CommandIntake.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final CommandKind<C> kind;
    private final ProgressPublisher progress;
    private final DeadLetters deadLetters;
    private final JobRunner runner;
    private final CommandSignatures.Check<C> signatureCheck;
    /** Intake does blocking I/O (S3, Kafka acks) and must stay off the connector's event loop. */
    private final ExecutorService executor;

    public CommandIntake(String name, CommandKind<C> kind, ProgressPublisher progress, DeadLetters deadLetters,
            JobRunner runner, CommandSignatures.Check<C> signatureCheck) {
        this.kind = kind;
        this.progress = progress;
        this.deadLetters = deadLetters;
        this.runner = runner;
        this.signatureCheck = signatureCheck;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-intake");
            t.setDaemon(true);
            return t;
        });
    }

    public CompletionStage<Void> receive(Message<byte[]> message) {
        return CompletableFuture.supplyAsync(() -> intake(message), executor).thenCompose(admitted -> admitted);
    }

    private CompletionStage<Void> intake(Message<byte[]> message) {
        String jobId = UUID.randomUUID().toString();
        C command;
        try {
            command = parse(message.getPayload());
        } catch (RejectedException e) {
            reject(message, e.rejection(), jobId);
            return message.ack();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CompletableFuture<>(); // stopping: leave the record uncommitted
        }
        // signing: a missing (where required) or bad bw-signature is refused like any bad record,
        // before the idempotency check, so that a forged command never learns of an earlier run
        var unauthorized = signatureCheck.refusal(message, command, kind.commandId(command), kind.target(command));
        if (unauthorized.isPresent()) {
            reject(message, unauthorized.get(), jobId);
            return message.ack();
        }
        JobEvents events = progress.job(jobId, kind.commandId(command), kind.target(command));
        var earlier = kind.completedRun(command);
        if (earlier.isPresent()) {
            skip(events, earlier.get());
            return message.ack();
        }
        events.emit(kind.acceptedType(), kind.acceptedDetails(command));
        return runner.submit(jobId, cancellation -> {
            if (kind.run(command, events, cancellation).commit()) {
                message.ack();
            }
        });
    }

    /**
     * Parses, waiting out transient storage errors (a restore resolves its archive here): a
     * command is never refused because S3 was briefly unreachable.
     */
    private C parse(byte[] record) throws InterruptedException {
        Duration wait = Duration.ofSeconds(1);
        while (true) {
            try {
                return kind.parse(record);
            } catch (JobFailedException e) {
                if (!e.failure().retryable()) {
                    throw new RejectedException(new Rejection(e.failure().code(), e.failure().message(), null, null));
                }
                LOG.warnf("stage=intake-retry code=%s wait=%s msg=\"%s\"", e.failure().code(), wait,
                        e.failure().message());
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
            } catch (RejectedException e) {
                throw e;
            } catch (RuntimeException e) {
                // A bug must not stop the partition: the record is refused and kept in the DLQ.
                LOG.errorf(e, "stage=intake-error");
                throw new RejectedException(new Rejection(ErrorCode.INTERNAL, "the worker failed to read this record: "
                        + e.getClass().getSimpleName(), null, null));
            }
        }
    }

    /** The skipped event of a duplicate, naming the job that did the work. */
    public void skip(JobEvents events, CommandRecord earlier) {
        events.emit(kind.skippedType(), Details.NONE.originalJob(earlier.jobId()));
    }

    private void reject(Message<byte[]> message, Rejection rejection, String jobId) {
        JobEvents events = progress.job(jobId, rejection.commandId(), rejection.target());
        events.emit(kind.rejectedType(), Details.NONE.error(ErrorInfo.of(rejection.failure())));
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        try {
            deadLetters.send(metadata, message.getPayload(), rejection, jobId);
        } catch (RuntimeException e) {
            // The rejected event is out; losing the copy is better than blocking the partition.
            LOG.errorf("job=%s stage=dead-letter-failed topic=%s partition=%d offset=%d msg=\"%s\"", jobId,
                    metadata.getTopic(), metadata.getPartition(), metadata.getOffset(), e.getMessage());
        }
    }

    public void close() {
        executor.shutdownNow();
    }
}
