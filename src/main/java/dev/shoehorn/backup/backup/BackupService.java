package dev.shoehorn.backup.backup;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandEvents;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.command.CommandKind;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.job.JobMetrics;
import dev.shoehorn.backup.progress.EventType;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;

/**
 * Backups as a kind of command: what the shared intake and job template need, and the work of
 * one attempt, which finishes what an earlier job of the same command left behind.
 */
@ApplicationScoped
public class BackupService implements CommandKind<BackupCommand> {

    static final String KIND = "backup";
    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final BackupCommandParser parser;
    private final CommandConfig config;
    private final ArchiveStore store;
    private final DumpStreamer dumps;
    private final JobMetrics metrics;
    private final Event<BackupCompleted> completed;

    public BackupService(BackupCommandParser parser, CommandConfig config, ArchiveStore store, DumpStreamer dumps,
            JobMetrics metrics, Event<BackupCompleted> completed) {
        this.completed = completed;
        this.parser = parser;
        this.config = config;
        this.store = store;
        this.dumps = dumps;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public SignedKind signedKind() {
        return SignedKind.BACKUP;
    }

    @Override
    public BackupCommand read(byte[] value) {
        return parser.parse(value);
    }

    @Override
    public BackupCommand admit(BackupCommand command) {
        return command;
    }

    @Override
    public Duration maxAge() {
        return config.backupMaxAge();
    }

    @Override
    public StageEvent accepted(BackupCommand command) {
        return new BackupEvents.Accepted(command.requestedBy(), command.reason());
    }

    @Override
    public StageEvent rejected(Failure failure) {
        return new CommandEvents.Rejected(EventType.BACKUP_REJECTED, ErrorInfo.of(failure));
    }

    @Override
    public StageEvent skipped(CommandRecord earlier) {
        return CommandEvents.Skipped.of(EventType.BACKUP_SKIPPED, earlier);
    }

    @Override
    public StageEvent failed(BackupCommand command, String jobId, Failure failure, long durationMs,
            boolean targetChanged) {
        return new BackupEvents.Failed(ErrorInfo.of(failure), durationMs);
    }

    @Override
    public String work(BackupCommand command, CommandJob job) {
        if (job.earlier().isEmpty() && job.events().attempt() == 1) {
            // once per slot: only the job that claimed the command first announces what it catches up
            command.schedule().filter(ScheduledSlot::catchesUp)
                    .ifPresent(slot -> job.events().emit(BackupEvents.CaughtUp.of(slot)));
        }
        Manifest manifest = committedEarlier(command, job).orElseGet(() -> dumps.dump(command, job));
        metrics.archived(job.target().name(), manifest.bytes());
        job.events().emit(new BackupEvents.Completed(manifest.archive(), job.millisSinceStart()));
        completed.fire(new BackupCompleted(job.target().name(), manifest.archiveKey()));
        return manifest.archiveKey();
    }

    /**
     * An earlier job of this command that died after its commit point (the manifest) left a
     * complete archive: that archive is the command's, and no second one is made. One that died
     * before it left at most an archive without a manifest, which is removed.
     */
    private Optional<Manifest> committedEarlier(BackupCommand command, CommandJob job) {
        String key = job.record().archiveKey();
        if (key == null) {
            return Optional.empty();
        }
        Optional<Manifest> manifest = store.manifest(key)
                .filter(m -> m.commandId().equals(command.commandId().toString()));
        if (manifest.isPresent()) {
            LOG.infof("job=%s target=%s stage=recovered archive=%s", job.events().jobId(), command.target(), key);
            return manifest;
        }
        if (store.archiveExists(key)) {
            store.deleteArchive(key);
            LOG.infof("job=%s target=%s stage=incomplete-archive-removed archive=%s", job.events().jobId(),
                    command.target(), key);
        }
        return Optional.empty();
    }
}
