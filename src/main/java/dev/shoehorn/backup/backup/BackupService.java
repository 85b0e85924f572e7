package dev.shoehorn.backup.backup;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.command.BackupCommand;
import dev.shoehorn.backup.command.BackupCommandParser;
import dev.shoehorn.backup.command.CommandKind;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.JobAttempts;
import dev.shoehorn.backup.job.JobMetrics;
import dev.shoehorn.backup.job.JobOutcome;
import dev.shoehorn.backup.progress.Details;
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
 * the dump, and the terminal event.
 */
@ApplicationScoped
public class BackupService implements CommandKind<BackupCommand> {

    static final String KIND = "backup";

    private final BackupCommandParser parser;
    private final TargetRegistry targets;
    private final TargetLock locks;
    private final ArchiveStore store;
    private final DumpStreamer dumps;
    private final JobMetrics metrics;
    private final JobAttempts attempts;

    public BackupService(BackupCommandParser parser, TargetRegistry targets, TargetLock locks, ArchiveStore store,
            DumpStreamer dumps, JobMetrics metrics, JobAttempts attempts) {
        this.parser = parser;
        this.targets = targets;
        this.locks = locks;
        this.store = store;
        this.dumps = dumps;
        this.metrics = metrics;
        this.attempts = attempts;
    }

    @Override
    public EventType acceptedType() {
        return EventType.BACKUP_ACCEPTED;
    }

    @Override
    public EventType rejectedType() {
        return EventType.BACKUP_REJECTED;
    }

    @Override
    public EventType skippedType() {
        return EventType.BACKUP_SKIPPED;
    }

    @Override
    public BackupCommand parse(byte[] record) {
        return parser.parse(record);
    }

    @Override
    public String commandId(BackupCommand command) {
        return command.commandId().toString();
    }

    @Override
    public String target(BackupCommand command) {
        return command.target();
    }

    @Override
    public Details acceptedDetails(BackupCommand command) {
        return Details.NONE.requested(command.requestedBy(), command.reason());
    }

    @Override
    public Optional<CommandRecord> completedRun(BackupCommand command) {
        return store.completedRun(command.commandId().toString());
    }

    @Override
    public JobOutcome run(BackupCommand command, JobEvents events, Cancellation cancellation) {
        long started = System.nanoTime();
        Target target = targets.find(command.target()).orElseThrow();
        return attempts.run(KIND, events, cancellation, EventType.BACKUP_FAILED,
                () -> attempt(command, target, events, cancellation, started));
    }

    private JobOutcome attempt(BackupCommand command, Target target, JobEvents events, Cancellation cancellation,
            long started) {
        try (TargetLock.Held lock = locks.acquire(target, events.jobId(), cancellation)) {
            Optional<CommandRecord> earlier = store.findCommand(command.commandId().toString());
            if (earlier.isPresent()) {
                events.emit(EventType.BACKUP_SKIPPED, Details.NONE.originalJob(earlier.get().jobId()));
                return JobOutcome.SKIPPED;
            }
            Manifest manifest = dumps.dump(command, target, events, cancellation);
            store.remember(new CommandRecord(command.commandId().toString(), KIND, command.target(),
                    events.jobId(), manifest.archiveKey(), Instant.now()));
            metrics.archived(target.name(), manifest.bytes());
            events.emit(EventType.BACKUP_COMPLETED, Details.NONE.archive(manifest.archive())
                    .duration(JobAttempts.millisSince(started)));
            return JobOutcome.COMPLETED;
        }
    }
}
