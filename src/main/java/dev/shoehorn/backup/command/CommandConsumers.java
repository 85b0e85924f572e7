package dev.shoehorn.backup.command;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.shoehorn.backup.backup.BackupService;
import dev.shoehorn.backup.job.JobRunner;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.restore.RestoreService;
import dev.shoehorn.backup.signing.CommandSignatures;
import dev.shoehorn.backup.signing.SignedKind;

/** The command topics: each has its own intake (and thread), all share the job slots. */
@ApplicationScoped
public class CommandConsumers {

    private final CommandIntake<BackupCommand> backups;
    private final CommandIntake<RestoreCommand> restores;

    public CommandConsumers(BackupService backupService, RestoreService restoreService, ProgressPublisher progress,
            DeadLetters deadLetters, JobRunner runner, CommandSignatures signatures) {
        // signing: each topic verifies its own kind, so a signed backup replayed as a restore fails
        this.backups = new CommandIntake<>("backup", backupService, progress, deadLetters, runner,
                signatures.of(SignedKind.BACKUP, BackupCommand::requestedAt));
        this.restores = new CommandIntake<>("restore", restoreService, progress, deadLetters, runner,
                signatures.of(SignedKind.RESTORE, RestoreCommand::requestedAt));
    }

    @Incoming("backup-commands")
    public CompletionStage<Void> onBackup(Message<byte[]> message) {
        return backups.receive(message);
    }

    @Incoming("restore-commands")
    public CompletionStage<Void> onRestore(Message<byte[]> message) {
        return restores.receive(message);
    }

    @PreDestroy
    void stop() {
        backups.close();
        restores.close();
    }
}
