package dev.shoehorn.backup.command;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.backup.BackupService;
import dev.shoehorn.backup.job.JobRunner;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressPublisher;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The edge of the backup path: takes records from {@code backup.commands}, refuses bad ones
 * (rejected event + dead letter, then commit) and hands good ones to the {@link JobRunner}. A
 * command's offset is acknowledged only when its job has ended, so a worker killed mid-backup
 * leaves the command to be redelivered.
 */
@ApplicationScoped
public class BackupCommandConsumer {

    private static final Logger LOG = Logger.getLogger(BackupCommandConsumer.class);

    private final BackupCommandParser parser;
    private final DeadLetters deadLetters;
    private final ProgressPublisher progress;
    private final BackupService backups;
    private final JobRunner runner;
    /** Intake does blocking I/O (S3, Kafka acks) and must stay off the connector's event loop. */
    private final ExecutorService intake = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backup-intake");
        t.setDaemon(true);
        return t;
    });

    public BackupCommandConsumer(BackupCommandParser parser, DeadLetters deadLetters, ProgressPublisher progress,
            BackupService backups, JobRunner runner) {
        this.parser = parser;
        this.deadLetters = deadLetters;
        this.progress = progress;
        this.backups = backups;
        this.runner = runner;
    }

    @Incoming("backup-commands")
    public CompletionStage<Void> onCommand(Message<byte[]> message) {
        return CompletableFuture.supplyAsync(() -> intake(message), intake).thenCompose(admitted -> admitted);
    }

    private CompletionStage<Void> intake(Message<byte[]> message) {
        String jobId = UUID.randomUUID().toString();
        BackupCommand command;
        try {
            command = parser.parse(message.getPayload());
        } catch (RejectedException e) {
            reject(message, e.rejection(), jobId);
            return message.ack();
        }
        JobEvents events = progress.job(jobId, command.commandId().toString(), command.target());
        var earlier = backups.completedRun(command.commandId());
        if (earlier.isPresent()) {
            backups.skip(events, earlier.get());
            return message.ack();
        }
        events.emit(EventType.BACKUP_ACCEPTED, Details.NONE.requested(command.requestedBy(), command.reason()));
        return runner.submit(jobId, cancellation -> {
            if (backups.run(command, events, cancellation).commit()) {
                message.ack();
            }
        });
    }

    private void reject(Message<byte[]> message, Rejection rejection, String jobId) {
        JobEvents events = progress.job(jobId, rejection.commandId(), rejection.target());
        events.emit(EventType.BACKUP_REJECTED, Details.NONE.error(ErrorInfo.of(rejection.failure())));
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

    @PreDestroy
    void stop() {
        intake.shutdownNow();
    }
}
