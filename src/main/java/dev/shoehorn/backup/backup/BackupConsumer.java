package dev.shoehorn.backup.backup;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.shoehorn.backup.command.CommandIntake;
import dev.shoehorn.backup.command.CommandIntakes;

/** The edge of backups: the {@code backup.commands} topic (group {@code backup-worker}). */
@ApplicationScoped
public class BackupConsumer {

    private final CommandIntake<BackupCommand> intake;

    public BackupConsumer(CommandIntakes intakes, BackupService backups) {
        this.intake = intakes.of(backups);
    }

    @Incoming("backup-commands")
    public CompletionStage<Void> onCommand(Message<byte[]> message) {
        return intake.receive(message);
    }

    @PreDestroy
    void stop() {
        intake.close();
    }
}
