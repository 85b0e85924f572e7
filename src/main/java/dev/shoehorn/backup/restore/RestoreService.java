package dev.shoehorn.backup.restore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * applied, then migrations (when asked) and the row-level-security check follow. In
 * single-transaction mode the archive goes over the target in one transaction and the checks run
 * after it; in swap mode ({@link SwapRestore}) it goes into a fresh database that is checked first
 * and then swapped in. {@code restore.completed} carries the post-restore steps that the reactions
 * act on.
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
    private final SwapRestore swaps;

    public RestoreService(RestoreCommandParser parser, TargetRegistry targets, TargetLock locks, ArchiveStore store,
            ArchiveRestorer restorer, Migrations migrations, RlsCheck rls, JobAttempts attempts, SwapRestore swaps) {
        this.parser = parser;
        this.targets = targets;
        this.locks = locks;
        this.store = store;
        this.restorer = restorer;
        this.migrations = migrations;
        this.rls = rls;
        this.attempts = attempts;
        this.swaps = swaps;
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
        Details accepted = Details.NONE.requested(command.requestedBy(), command.reason())
                .mode(command.mode().value()).postRestore(command.postRestore());
        return command.isRollback() ? accepted.rollbackOf(command.rollbackOf())
                : accepted.sourceTarget(command.sourceTarget()).archive(command.manifest().archive());
    }

    @Override
    public Optional<CommandRecord> completedRun(RestoreCommand command) {
        return store.completedRun(command.commandId().toString());
    }

    @Override
    public JobOutcome run(RestoreCommand command, JobEvents events, Cancellation cancellation) {
        long started = System.nanoTime();
        Target target = targets.find(command.target()).orElseThrow();
        AtomicBoolean changed = new AtomicBoolean();
        return attempts.run(KIND, events, cancellation, EventType.RESTORE_FAILED,
                () -> Details.NONE.mode(command.mode().value()).targetChanged(changed.get()),
                () -> attempt(command, target, events, cancellation, started, changed));
    }

    private JobOutcome attempt(RestoreCommand command, Target target, JobEvents events, Cancellation cancellation,
            long started, AtomicBoolean changed) {
        try (TargetLock.Held lock = locks.acquire(target, events.jobId(), cancellation)) {
            Optional<CommandRecord> earlier = store.findCommand(command.commandId().toString());
            if (earlier.isPresent()) {
                events.emit(EventType.RESTORE_SKIPPED, Details.NONE.originalJob(earlier.get().jobId()));
                return JobOutcome.SKIPPED;
            }
            Optional<String> kept = Optional.empty();
            if (command.mode() == RestoreMode.SWAP) {
                // swap mode (SwapRestore): the target changes only at the rename, after every check
                String before = command.isRollback() ? swaps.rollback(command, target, events.jobId(), cancellation)
                        : swaps.restore(command, target, events, cancellation, fresh -> {
                            applied(command, events, started);
                            checks(command, fresh, events, cancellation);
                        });
                changed.set(true);
                remember(command, events);
                kept = swaps.release(target, before, events.jobId());
            } else {
                restorer.restore(command, target, RestoreMode.SINGLE_TRANSACTION, events, cancellation);
                changed.set(true);
                applied(command, events, started);
                // From here the archive is committed: a redelivery must never apply it again over newer writes.
                remember(command, events);
                checks(command, target, events, cancellation);
            }
            Details completed = Details.NONE.mode(command.mode().value()).postRestore(command.postRestore())
                    .keptDatabase(kept.orElse(null)).duration(JobAttempts.millisSince(started));
            events.emit(EventType.RESTORE_COMPLETED, command.isRollback() ? completed.rollbackOf(command.rollbackOf())
                    : completed.sourceTarget(command.sourceTarget()).archive(command.manifest().archive()));
            return JobOutcome.COMPLETED;
        }
    }

    private static void applied(RestoreCommand command, JobEvents events, long started) {
        events.emit(EventType.RESTORE_APPLIED, Details.NONE.archive(command.manifest().archive())
                .mode(command.mode().value()).duration(JobAttempts.millisSince(started)));
    }

    private void remember(RestoreCommand command, JobEvents events) {
        store.remember(new CommandRecord(command.commandId().toString(), KIND, command.target(), events.jobId(),
                command.isRollback() ? null : command.manifest().archiveKey(), Instant.now()));
    }

    /** Migrations (when asked) and the row-level-security check, on the database that holds the restored archive. */
    private void checks(RestoreCommand command, Target restored, JobEvents events, Cancellation cancellation) {
        if (command.postRestore().migrate()) {
            migrations.run(restored, events.jobId(), cancellation);
            events.emit(EventType.RESTORE_MIGRATED, Details.NONE);
        }
        List<String> checked = rls.verify(restored, command.manifest().rlsTables());
        events.emit(EventType.RESTORE_RLS_VERIFIED, Details.NONE.rlsTables(checked));
    }
}
