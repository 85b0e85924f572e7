package dev.shoehorn.backup.restore;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandEvents;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.command.CommandKind;
import dev.shoehorn.backup.command.Rejection;
import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * Restores as a kind of command. The guard rails run at admission, before anything touches the
 * target: restorable, confirmed when protected, an allowed source, an archive that exists and is
 * complete. The work: the verified archive applied in one transaction, then migrations (when
 * asked) and the row-level-security check. A job that finds the archive applied already (an
 * earlier job of the command failed or died after applying it) resumes with the remaining steps.
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

    public RestoreService(RestoreCommandParser parser, CommandConfig commands, RestoreConfig config,
            TargetRegistry targets, ArchiveStore store, ArchiveRestorer restorer, Migrations migrations, RlsCheck rls) {
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
        if (!target.restorable()) {
            throw reject(command, ErrorCode.NOT_RESTORABLE, "target " + target.name() + " is not restorable");
        }
        if (target.isProtected() && !command.confirm().filter(target.name()::equals).isPresent()) {
            throw reject(command, ErrorCode.CONFIRMATION_REQUIRED,
                    "target " + target.name() + " is protected: confirm must equal its name");
        }
        if (targets.find(command.sourceTarget()).isEmpty()) {
            throw reject(command, ErrorCode.UNKNOWN_TARGET,
                    "sourceTarget " + command.sourceTarget() + " is not configured in this worker");
        }
        if (!target.allowedSources().contains(command.sourceTarget())) {
            throw reject(command, ErrorCode.SOURCE_NOT_ALLOWED, "archives of " + command.sourceTarget()
                    + " may not be restored into " + target.name() + " (backup.targets." + target.name()
                    + ".allowed-sources: " + String.join(", ", target.allowedSources()) + ")");
        }
        return command.admitted(resolve(command), steps(command, target));
    }

    /** A step a target does not enable never runs, whatever the command says; a command can only turn one off. */
    private PostRestore steps(RestoreCommand command, Target target) {
        PostRestore.Requested asked = command.postRestore();
        return new PostRestore(asked.migrate().orElse(config.migrate()),
                target.backfill() && asked.backfill().orElse(true),
                target.flushCache() && asked.flushCache().orElse(true));
    }

    private Manifest resolve(RestoreCommand command) {
        String source = command.sourceTarget();
        String archive = command.archive();
        if (RestoreCommand.LATEST.equals(archive)) {
            return store.latestManifest(source).orElseThrow(() -> reject(command, ErrorCode.ARCHIVE_NOT_FOUND,
                    "no complete archive of " + source + " exists"));
        }
        String prefix = store.keys().targetPrefix(source);
        boolean inside = archive.startsWith(prefix) && archive.endsWith(".dump")
                && archive.indexOf('/', prefix.length()) < 0 && !archive.contains("..") && !archive.contains("//");
        if (!inside) {
            throw reject(command, ErrorCode.ARCHIVE_NOT_FOUND,
                    "archive must be \"latest\" or a key of a dump directly under " + prefix);
        }
        return store.manifest(archive).filter(m -> m.archiveKey().equals(archive) && m.target().equals(source))
                .orElseThrow(() -> reject(command, ErrorCode.ARCHIVE_NOT_FOUND, "archive " + archive
                        + " does not exist or is incomplete (no " + ArchiveKeys.MANIFEST_SUFFIX + ")"));
    }

    private static RejectedException reject(RestoreCommand command, ErrorCode code, String message) {
        return new RejectedException(new Rejection(code, message, command.commandId().toString(), command.target()));
    }

    @Override
    public Duration maxAge() {
        return commands.restoreMaxAge();
    }

    @Override
    public StageEvent accepted(RestoreCommand command) {
        return new RestoreEvents.Accepted(command.requestedBy(), command.reason(), command.sourceTarget(),
                command.manifest().archive(), command.steps());
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
    public StageEvent failed(Failure failure, long durationMs, boolean targetChanged) {
        return new RestoreEvents.Failed(ErrorInfo.of(failure), durationMs, targetChanged);
    }

    @Override
    public String work(RestoreCommand command, CommandJob job) {
        Manifest manifest = command.manifest();
        if (!job.targetChanged()) {
            restorer.restore(command, job);
            job.applied();
            job.events().emit(new RestoreEvents.Applied(manifest.archive(), job.millisSinceStart()));
        }
        if (command.steps().migrate()) {
            migrations.run(job.target(), job.events().jobId(), job.cancellation());
            job.events().emit(new RestoreEvents.Migrated());
        }
        List<String> checked = rls.verify(job.target(), manifest.rlsTables());
        job.events().emit(new RestoreEvents.RlsVerified(checked));
        job.events().emit(new RestoreEvents.Completed(command.sourceTarget(), manifest.archive(), command.steps(),
                job.millisSinceStart()));
        return manifest.archiveKey();
    }
}
