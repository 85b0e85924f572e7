package dev.shoehorn.backup.command;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.job.JobRunner;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.signing.CommandSignatures;
import dev.shoehorn.backup.target.TargetRegistry;
import dev.shoehorn.backup.tracing.Traces;

/**
 * What every command intake shares, and the factory of the intakes: each feature makes its own
 * for its {@code @Incoming} channel.
 */
@ApplicationScoped
public class CommandIntakes {

    /** Storage errors while admitting a command are waited out until the worker stops. */
    private static final Backoff ADMISSION_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final ProgressPublisher progress;
    private final DeadLetters deadLetters;
    private final JobRunner runner;
    private final CommandJobs jobs;
    private final CommandLedger ledger;
    private final TargetRegistry targets;
    private final Freshness freshness;
    private final CommandSignatures signatures;
    private final Traces traces;
    private final String group;

    public CommandIntakes(ProgressPublisher progress, DeadLetters deadLetters, JobRunner runner, CommandJobs jobs,
            CommandLedger ledger, TargetRegistry targets, CommandConfig config, CommandSignatures signatures,
            Traces traces,
            @ConfigProperty(name = "mp.messaging.incoming.backup-commands.group.id", defaultValue = "backup-worker")
            String group) {
        this.signatures = signatures;
        this.traces = traces;
        this.group = group;
        this.progress = progress;
        this.deadLetters = deadLetters;
        this.runner = runner;
        this.jobs = jobs;
        this.ledger = ledger;
        this.targets = targets;
        this.freshness = new Freshness(Clock.systemUTC(), config.clockSkew());
    }

    public <C extends Command> CommandIntake<C> of(CommandKind<C> kind) {
        return new CommandIntake<>(kind, this, Retry.untilStopped(ADMISSION_BACKOFF));
    }

    ProgressPublisher progress() {
        return progress;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    JobRunner runner() {
        return runner;
    }

    CommandJobs jobs() {
        return jobs;
    }

    CommandLedger ledger() {
        return ledger;
    }

    TargetRegistry targets() {
        return targets;
    }

    Freshness freshness() {
        return freshness;
    }

    CommandSignatures signatures() {
        return signatures;
    }

    Traces traces() {
        return traces;
    }

    /** The consumer group of the command topics (one for both). */
    String group() {
        return group;
    }
}
