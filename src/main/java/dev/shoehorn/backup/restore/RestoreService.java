package dev.shoehorn.backup.restore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.command.CommandKind;
import dev.shoehorn.backup.command.RestoreCommand;
import dev.shoehorn.backup.command.RestoreCommandParser;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.JobAttempts;
import dev.shoehorn.backup.job.JobOutcome;
import dev.shoehorn.backup.progress.Details;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetLock;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * A restore job: under the target's lock (shared with backups), the archive is verified and
 * applied in one transaction, then migrations (when asked) and the row-level-security check
 * follow. {@code restore.completed} carries the post-restore steps that the reactions act on.
 */
@ApplicationScoped
public class RestoreService implements CommandKind<RestoreCommand> {

    static final String KIND = "restore";

    private final RestoreCommandParser parser;
    private final TargetRegistry targets;
    private final TargetLock locks;
    private final ArchiveStore store;
    private final ArchiveRestorer restorer;
    private final Migrations migrations;
    private final RlsCheck rls;
    private final JobAttempts attempts;

    public RestoreService(RestoreCommandParser parser, TargetRegistry targets, TargetLock locks, ArchiveStore store,
            ArchiveRestorer restorer, Migrations migrations, RlsCheck rls, JobAttempts attempts) {
        this.parser = parser;
        this.targets = targets;
        this.locks = locks;
        this.store = store;
        this.restorer = restorer;
        this.migrations = migrations;
        this.rls = rls;
        this.attempts = attempts;
    }

    @Override
    public EventType acceptedType() {
        return EventType.RESTORE_ACCEPTED;
    }

    @Override
    public EventType rejectedType() {
        return EventType.RESTORE_REJECTED;
    }

    @Override
    public EventType skippedType() {
        return EventType.RESTORE_SKIPPED;
    }

    @Override
    public RestoreCommand parse(byte[] record) {
        return parser.parse(record);
    }

    @Override
    public String commandId(RestoreCommand command) {
        return command.commandId().toString();
    }

    @Override
    public String target(RestoreCommand command) {
        return command.target();
    }

    @Override
    public Details acceptedDetails(RestoreCommand command) {
        return Details.NONE.requested(command.requestedBy(), command.reason()).sourceTarget(command.sourceTarget())
                .archive(command.manifest().archive()).postRestore(command.postRestore());
    }

    @Override
    public Optional<CommandRecord> completedRun(RestoreCommand command) {
        return store.completedRun(command.commandId().toString());
    }

    @Override
    public JobOutcome run(RestoreCommand command, JobEvents events, Cancellation cancellation) {
        long started = System.nanoTime();
        Target target = targets.find(command.target()).orElseThrow();
        return attempts.run(KIND, events, cancellation, EventType.RESTORE_FAILED,
                () -> attempt(command, target, events, cancellation, started));
    }

    private JobOutcome attempt(RestoreCommand command, Target target, JobEvents events, Cancellation cancellation,
            long started) {
        try (TargetLock.Held lock = locks.acquire(target, events.jobId(), cancellation)) {
            Optional<CommandRecord> earlier = store.findCommand(command.commandId().toString());
            if (earlier.isPresent()) {
                events.emit(EventType.RESTORE_SKIPPED, Details.NONE.originalJob(earlier.get().jobId()));
                return JobOutcome.SKIPPED;
            }
            restorer.restore(command, target, events, cancellation);
            events.emit(EventType.RESTORE_APPLIED, Details.NONE.archive(command.manifest().archive())
                    .duration(JobAttempts.millisSince(started)));
            // From here the archive is committed: a redelivery must never apply it again over newer writes.
            store.remember(new CommandRecord(command.commandId().toString(), KIND, command.target(),
                    events.jobId(), command.manifest().archiveKey(), Instant.now()));
            if (command.postRestore().migrate()) {
                migrations.run(target, events.jobId(), cancellation);
                events.emit(EventType.RESTORE_MIGRATED, Details.NONE);
            }
            List<String> checked = rls.verify(target, command.manifest().rlsTables());
            events.emit(EventType.RESTORE_RLS_VERIFIED, Details.NONE.rlsTables(checked));
            events.emit(EventType.RESTORE_COMPLETED, Details.NONE.sourceTarget(command.sourceTarget())
                    .archive(command.manifest().archive()).postRestore(command.postRestore())
                    .duration(JobAttempts.millisSince(started)));
            return JobOutcome.COMPLETED;
        }
    }
}
