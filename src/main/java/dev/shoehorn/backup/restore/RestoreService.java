package dev.shoehorn.backup.restore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandEvents;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.command.CommandKind;
import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import dev.shoehorn.backup.tracing.Stage;
import dev.shoehorn.backup.tracing.Traces;

/**
 * Restores as a kind of command. The guard rails run at admission, before anything touches the
 * target: restorable, confirmed when protected, an allowed source, an archive that exists and is
 * complete. The work, in single-transaction mode: the verified archive applied over the target in
 * one transaction, then migrations (when asked) and the row-level-security check; a job that finds
 * the archive applied already (an earlier job failed or died after applying it) resumes with the
 * remaining steps. In swap mode ({@link SwapRestore}) the archive goes into a fresh database that
 * is checked first and then swapped in; a rollback swaps a kept database back.
 */
@ApplicationScoped
public class RestoreService implements CommandKind<RestoreCommand> {

    static final String KIND = "restore";

    private final RestoreCommandParser parser;
    private final CommandConfig commands;
    private final RestoreConfig config;
    private final TargetRegistry targets;
    private final ArchiveStore store;
    private final ArchiveRestorer restorer;
    private final Migrations migrations;
    private final RlsCheck rls;
    private final SwapRestore swaps;
    private final DrillRunner drills;
    private final Traces traces;

    public RestoreService(RestoreCommandParser parser, CommandConfig commands, RestoreConfig config,
            TargetRegistry targets, ArchiveStore store, ArchiveRestorer restorer, Migrations migrations, RlsCheck rls,
            SwapRestore swaps, DrillRunner drills, Traces traces) {
        this.traces = traces;
        this.drills = drills;
        this.swaps = swaps;
        this.parser = parser;
        this.commands = commands;
        this.config = config;
        this.targets = targets;
        this.store = store;
        this.restorer = restorer;
        this.migrations = migrations;
        this.rls = rls;
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public SignedKind signedKind() {
        return SignedKind.RESTORE;
    }

    @Override
    public RestoreCommand read(byte[] value) {
        return parser.parse(value);
    }

    @Override
    public RestoreCommand admit(RestoreCommand command) {
        Target target = targets.find(command.target()).orElseThrow();
        if (command.drill()) {
            // the target is never written: no restorable, confirm or source rule applies, and no reaction follows.
            // No archive to drill is the drill's verdict, not a refusal: its job ends drill.failed (work).
            return command.admitted(find(command).orElse(null), PostRestore.NONE, RestoreMode.SWAP);
        }
        if (!target.restorable()) {
            throw RejectedException.of(command, ErrorCode.NOT_RESTORABLE, "target " + target.name() + " is not restorable");
        }
        if (target.isProtected() && !command.confirm().filter(target.name()::equals).isPresent()) {
            throw RejectedException.of(command, ErrorCode.CONFIRMATION_REQUIRED,
                    "target " + target.name() + " is protected: confirm must equal its name");
        }
        if (targets.find(command.sourceTarget()).isEmpty()) {
            throw RejectedException.of(command, ErrorCode.UNKNOWN_TARGET,
                    "sourceTarget " + command.sourceTarget() + " is not configured in this worker");
        }
        if (!target.allowedSources().contains(command.sourceTarget())) {
            throw RejectedException.of(command, ErrorCode.SOURCE_NOT_ALLOWED, "archives of " + command.sourceTarget()
                    + " may not be restored into " + target.name() + " (backup.targets." + target.name()
                    + ".allowed-sources: " + String.join(", ", target.allowedSources()) + ")");
        }
        if (command.isRollback()) {
            return command.admitted(null, steps(command, target), RestoreMode.SWAP);
        }
        return command.admitted(resolve(command), steps(command, target), command.askedMode().orElse(config.mode()));
    }

    /** A step a target does not enable never runs, whatever the command says; a command can only turn one off. */
    private PostRestore steps(RestoreCommand command, Target target) {
        PostRestore.Requested asked = command.postRestore();
        return new PostRestore(asked.migrate().orElse(config.migrate()),
                target.backfill() && asked.backfill().orElse(true),
                target.flushCache() && asked.flushCache().orElse(true));
    }

    private Manifest resolve(RestoreCommand command) {
        return find(command).orElseThrow(() -> RejectedException.of(command, ErrorCode.ARCHIVE_NOT_FOUND,
                notFound(command)));
    }

    /**
     * The complete archive the command names, if there is one.
     *
     * @throws RejectedException when what it names cannot be an archive of its source
     */
    private Optional<Manifest> find(RestoreCommand command) {
        String source = command.sourceTarget();
        String archive = command.archive();
        if (RestoreCommand.LATEST.equals(archive)) {
            return store.latestManifest(source);
        }
        String prefix = store.keys().targetPrefix(source);
        boolean inside = archive.startsWith(prefix) && ArchiveKeys.isArchiveName(archive)
                && archive.indexOf('/', prefix.length()) < 0 && !archive.contains("..") && !archive.contains("//");
        if (!inside) {
            throw RejectedException.of(command, ErrorCode.ARCHIVE_NOT_FOUND,
                    "archive must be \"latest\" or a key of a dump directly under " + prefix);
        }
        return store.manifest(archive).filter(m -> m.archiveKey().equals(archive) && m.target().equals(source));
    }

    private static String notFound(RestoreCommand command) {
        return RestoreCommand.LATEST.equals(command.archive())
                ? "no complete archive of " + command.sourceTarget() + " exists"
                : "archive " + command.archive() + " does not exist or is incomplete (no "
                        + ArchiveKeys.MANIFEST_SUFFIX + ")";
    }

    @Override
    public String archiveRead(RestoreCommand command) {
        // a rollback reads a kept database, and a drill without an archive fails before reading one
        return command.manifest() == null ? null : command.manifest().archiveKey();
    }

    @Override
    public Duration maxAge() {
        return commands.restoreMaxAge();
    }

    @Override
    public StageEvent accepted(RestoreCommand command) {
        return command.isRollback()
                ? new RestoreEvents.Accepted(command.requestedBy(), command.reason(), null, null, command.steps(),
                        command.mode().value(), command.rollbackOf().get(), null)
                : new RestoreEvents.Accepted(command.requestedBy(), command.reason(), command.sourceTarget(),
                        command.manifest() == null ? null : command.manifest().archive(), command.steps(),
                        command.mode().value(), null, command.drill() ? Boolean.TRUE : null);
    }

    @Override
    public StageEvent rejected(Failure failure) {
        return new CommandEvents.Rejected(EventType.RESTORE_REJECTED, ErrorInfo.of(failure));
    }

    @Override
    public StageEvent skipped(CommandRecord earlier) {
        return CommandEvents.Skipped.of(EventType.RESTORE_SKIPPED, earlier);
    }

    @Override
    public StageEvent failed(RestoreCommand command, String jobId, Failure failure, long durationMs,
            boolean targetChanged) {
        if (command.drill()) {
            Target target = targets.find(command.target()).orElseThrow();
            // a stopped worker's drill runs again elsewhere: it is no verdict
            String report = failure.code() == ErrorCode.WORKER_STOPPED ? null
                    : drills.couldNotRun(command, target, jobId, failure, durationMs);
            return new DrillEvents.Failed(command.manifest() == null ? null : command.manifest().archive(), report,
                    List.of(), null, target.drill().rto().toMillis(), durationMs, ErrorInfo.of(failure));
        }
        return new RestoreEvents.Failed(ErrorInfo.of(failure), command.mode().value(), durationMs, targetChanged);
    }

    @Override
    public String work(RestoreCommand command, CommandJob job) {
        if (command.drill() && command.manifest() == null) {
            throw new JobFailedException(Failure.permanent(ErrorCode.ARCHIVE_NOT_FOUND, notFound(command)
                    + ": the drill could not run; the target was not touched"));
        }
        if (!command.isRollback()) {
            restorer.requireKey(command.manifest());
        }
        if (command.drill()) {
            job.events().emit(drills.run(command, job));
            return command.manifest().archiveKey();
        }
        String kept = command.mode() == RestoreMode.SWAP ? swapped(command, job) : overTarget(command, job);
        Optional<String> stillKept = kept == null ? Optional.empty()
                : swaps.release(job.target(), kept, job.events().jobId());
        job.events().emit(new RestoreEvents.Completed(command.isRollback() ? null : command.sourceTarget(),
                command.isRollback() ? null : command.manifest().archive(), command.steps(), command.mode().value(),
                stillKept.orElse(null), command.rollbackOf().orElse(null), job.millisSinceStart()));
        return command.isRollback() ? null : command.manifest().archiveKey();
    }

    /** Single-transaction mode: the archive goes over the target, then the checks run on it. */
    private String overTarget(RestoreCommand command, CommandJob job) {
        if (!job.targetChanged()) {
            restorer.restore(command, job, job.target(), RestoreMode.SINGLE_TRANSACTION);
            job.applied();
            job.events().emit(new RestoreEvents.Applied(command.manifest().archive(), command.mode().value(),
                    job.millisSinceStart()));
        }
        checks(command, job, job.target());
        return null;
    }

    /**
     * Swap mode (and rollbacks): the target changes only at the rename, after every check. A job
     * that finds the swap done already (an earlier job died after it) does not restore again.
     * Returns the name the target's former database is kept under.
     */
    private String swapped(RestoreCommand command, CommandJob job) {
        if (job.targetChanged()) {
            return job.record().keptDatabase();
        }
        Optional<String> earlier = job.earlier().map(CommandRecord::jobId);
        if (earlier.isPresent() && swaps.swapDone(job.target(), earlier.get())) {
            String kept = SwapNames.kept(job.target().database(), earlier.get());
            job.applied(kept);
            return kept;
        }
        String kept = command.isRollback() ? swaps.rollback(command, job) : swaps.restore(command, job, fresh -> {
            job.events().emit(new RestoreEvents.Applied(command.manifest().archive(), command.mode().value(),
                    job.millisSinceStart()));
            checks(command, job, fresh);
        });
        job.applied(kept);
        return kept;
    }

    /** Migrations (when asked) and the row-level-security check, on the database that is, or will be, the target. */
    private void checks(RestoreCommand command, CommandJob job, Target restored) {
        if (command.isRollback()) {
            return; // the database comes back as it was, checked when it was restored
        }
        traces.run(Stage.CHECKS, job.events().trace(), () -> {
            if (command.steps().migrate()) {
                migrations.run(restored, job.events().jobId(), job.cancellation());
                job.events().emit(new RestoreEvents.Migrated());
            }
            List<String> checked = rls.verify(restored, command.manifest().rlsTables());
            job.events().emit(new RestoreEvents.RlsVerified(checked));
        });
    }
}
