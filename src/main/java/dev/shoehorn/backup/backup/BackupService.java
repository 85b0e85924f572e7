package dev.shoehorn.backup.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.command.BackupCommand;
import dev.shoehorn.backup.job.Backoff;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.job.Failure;
import dev.shoehorn.backup.job.JobFailedException;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.ErrorInfo;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetLock;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * A backup job from acceptance to its end: the target's lock, the idempotency check under it,
 * attempts with backoff for retryable failures, and the terminal event.
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);
    static final String KIND = "backup";

    private final TargetRegistry targets;
    private final TargetLock locks;
    private final ArchiveStore store;
    private final DumpStreamer dumps;
    private final BackupMetrics metrics;
    private final JobsConfig config;
    private final Backoff backoff;

    public BackupService(TargetRegistry targets, TargetLock locks, ArchiveStore store, DumpStreamer dumps,
            BackupMetrics metrics, JobsConfig config) {
        this.targets = targets;
        this.locks = locks;
        this.store = store;
        this.dumps = dumps;
        this.metrics = metrics;
        this.config = config;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
    }

    /**
     * The record of an earlier completed run of this command, if storage can tell now. A storage
     * error here only skips the fast path: the job checks again under the target's lock.
     */
    public Optional<CommandRecord> completedRun(UUID commandId) {
        try {
            return store.findCommand(commandId.toString());
        } catch (RuntimeException e) {
            LOG.warnf("command=%s stage=idempotency-check-deferred msg=\"%s\"", commandId, e.getMessage());
            return Optional.empty();
        }
    }

    public void skip(JobEvents events, CommandRecord earlier) {
        events.emit(EventType.BACKUP_SKIPPED, Details.NONE.originalJob(earlier.jobId()));
    }

    public BackupOutcome run(BackupCommand command, JobEvents events, Cancellation cancellation) {
        long started = System.nanoTime();
        Target target = targets.find(command.target()).orElseThrow();
        BackupOutcome outcome = attempts(command, target, events, cancellation, started);
        metrics.ended(target.name(), outcome, Duration.ofNanos(System.nanoTime() - started));
        return outcome;
    }

    private BackupOutcome attempts(BackupCommand command, Target target, JobEvents events, Cancellation cancellation,
            long started) {
        for (int attempt = 1;; attempt++) {
            events.attempt(attempt);
            Failure failure;
            try {
                return attempt(command, target, events, cancellation, started);
            } catch (JobFailedException e) {
                failure = cancellation.isCancelled() ? cancellation.reason() : e.failure();
            } catch (RuntimeException e) {
                LOG.errorf(e, "job=%s target=%s stage=internal-error", events.jobId(), target.name());
                failure = Failure.permanent(ErrorCode.INTERNAL, e.toString());
            }
            if (failure.retryable() && failure.code() != ErrorCode.WORKER_STOPPED && attempt < config.maxAttempts()) {
                Duration wait = backoff.before(attempt + 1);
                LOG.infof("job=%s target=%s stage=retrying attempt=%d code=%s wait=%s", events.jobId(), target.name(),
                        attempt, failure.code(), wait);
                try {
                    cancellation.sleep(wait);
                    continue;
                } catch (JobFailedException stopped) {
                    failure = stopped.failure();
                }
            }
            return fail(events, failure, started);
        }
    }

    private BackupOutcome attempt(BackupCommand command, Target target, JobEvents events, Cancellation cancellation,
            long started) {
        try (TargetLock.Held lock = locks.acquire(target, events.jobId(), cancellation)) {
            Optional<CommandRecord> earlier = store.findCommand(command.commandId().toString());
            if (earlier.isPresent()) {
                skip(events, earlier.get());
                return BackupOutcome.SKIPPED;
            }
            Manifest manifest = dumps.dump(command, target, events, cancellation);
            remember(command, events, manifest);
            metrics.archived(target.name(), manifest.bytes());
            events.emit(EventType.BACKUP_COMPLETED, Details.NONE.archive(manifest.archive())
                    .duration(millisSince(started)));
            return BackupOutcome.COMPLETED;
        }
    }

    /**
     * Records the command as done. The manifest is already the commit point, so a failure here
     * does not fail the job; it only leaves a redelivery of the same command able to run again.
     */
    private void remember(BackupCommand command, JobEvents events, Manifest manifest) {
        try {
            store.recordCommand(new CommandRecord(command.commandId().toString(), KIND, command.target(),
                    events.jobId(), manifest.archiveKey(), Instant.now()));
        } catch (RuntimeException e) {
            LOG.warnf("job=%s target=%s stage=idempotency-record-failed msg=\"%s\"", events.jobId(), command.target(),
                    e.getMessage());
        }
    }

    private static BackupOutcome fail(JobEvents events, Failure failure, long started) {
        Details details = Details.NONE.error(ErrorInfo.of(failure)).duration(millisSince(started));
        events.emit(EventType.BACKUP_FAILED, details);
        return failure.code() == ErrorCode.WORKER_STOPPED ? BackupOutcome.ABANDONED : BackupOutcome.FAILED;
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
