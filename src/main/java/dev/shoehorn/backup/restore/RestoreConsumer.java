package dev.shoehorn.backup.restore;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.shoehorn.backup.command.CommandIntake;
import dev.shoehorn.backup.command.CommandIntakes;

/** The edge of restores: the {@code restore.commands} topic (group {@code backup-worker}). */
@ApplicationScoped
public class RestoreConsumer {

    private final CommandIntake<RestoreCommand> intake;

    public RestoreConsumer(CommandIntakes intakes, RestoreService restores) {
        this.intake = intakes.of(restores);
    }

    @Incoming("restore-commands")
    public CompletionStage<Void> onCommand(Message<byte[]> message) {
        return intake.receive(message);
    }

    @PreDestroy
    void stop() {
        intake.close();
    }
}
