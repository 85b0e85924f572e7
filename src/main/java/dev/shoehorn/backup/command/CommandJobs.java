package dev.shoehorn.backup.command;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.JobMetrics;
import dev.shoehorn.backup.job.JobOutcome;
import dev.shoehorn.backup.job.JobRunner;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.JobHistory;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetLock;
import dev.shoehorn.backup.target.TargetRegistry;
import dev.shoehorn.backup.tracing.Stage;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.api.trace.Span;

/**
 * The one shape of every command's job, backups and restores alike: the target's lock (waited for
 * without a slot), a slot, the command's record read under the lock (skip what ended, recover
 * what an earlier job left half done), the claim, the kind's work attempt after attempt, and the
 * record finished after the terminal event. The order is what makes a crash between any two
 * steps safe (docs/reliability.md): the terminal event goes out before the record is finished,
 * and a redelivery that finds an unfinished record asks the progress topic how its job ended.
 */
@ApplicationScoped
public class CommandJobs {

    private static final Logger LOG = Logger.getLogger(CommandJobs.class);

    private final TargetRegistry targets;
    private final TargetLock locks;
    private final JobRunner runner;
    private final JobAttempts attempts;
    private final CommandLedger ledger;
    private final JobHistory history;
    private final JobMetrics metrics;
    private final Faults faults;
    private final Traces traces;

    public CommandJobs(TargetRegistry targets, TargetLock locks, JobRunner runner, JobAttempts attempts,
            CommandLedger ledger, JobHistory history, JobMetrics metrics, Faults faults, Traces traces) {
        this.traces = traces;
        this.targets = targets;
        this.locks = locks;
        this.runner = runner;
        this.attempts = attempts;
        this.ledger = ledger;
        this.history = history;
        this.metrics = metrics;
        this.faults = faults;
    }

    public <C extends Command> JobOutcome run(CommandKind<C> kind, C command, JobEvents events,
            Cancellation cancellation) {
        long started = System.nanoTime();
        Target target = targets.find(command.target()).orElseThrow();
        JobOutcome outcome;
        try {
            TargetLock.Held lock = traces.call(Stage.LOCK, events.trace(), () -> attempts.retrying(events,
                    cancellation, n -> locks.acquire(target, events.jobId(), cancellation)));
            try (lock; JobRunner.Slot slot = runner.slot(cancellation)) {
                outcome = underLock(kind, command, target, lock, events, cancellation, started);
            }
        } catch (JobFailedException e) {
            // the lock or the record could not be had: nothing was claimed, the target is untouched
            outcome = failed(kind, command, events, cancellation, e.failure(), started, false);
            if (outcome == JobOutcome.FAILED) {
                ledger.recordIfAbsent(CommandRecord.claim(kind.name(), command.target(),
                        command.commandId().toString(), events.jobId(), Instant.now())
                        .failed(failureOf(e, cancellation), false, Instant.now()));
            }
        }
        metrics.ended(kind.name(), target.name(), outcome, Duration.ofNanos(System.nanoTime() - started));
        return outcome;
    }

    private <C extends Command> JobOutcome underLock(CommandKind<C> kind, C command, Target target,
            TargetLock.Held lock, JobEvents events, Cancellation cancellation, long started) {
        Optional<CommandRecord> found = ledger.find(kind.name(), command, events, cancellation);
        if (found.isPresent()) {
            CommandRecord earlier = found.get();
            if (!earlier.state().isFinal()) {
                earlier = finishedFromHistory(earlier, events, cancellation);
            }
            if (earlier.state().isFinal()) {
                events.emit(kind.skipped(earlier));
                return JobOutcome.SKIPPED;
            }
        }
        CommandRecord claim = ledger.claim(kind.name(), command, found, kind.archiveRead(command), events,
                cancellation);
        CommandJob job = new CommandJob(target, events, cancellation, lock, found, claim, ledger, faults, started);
        faults.at(Faults.BEFORE_WORK, events.commandId());
        String archive;
        try {
            archive = attempts.run(events, cancellation, attempt -> {
                if (attempt > 1) {
                    regainLock(kind, command, job);
                }
                return kind.work(command, job);
            });
        } catch (JobFailedException e) {
            JobOutcome outcome = failed(kind, command, events, cancellation, e.failure(), started,
                    job.targetChanged());
            if (outcome == JobOutcome.FAILED) {
                finish(job.record().failed(failureOf(e, cancellation), job.targetChanged(), Instant.now()), events,
                        cancellation);
            }
            return outcome;
        }
        if (archive != null) {
            Span.fromContext(events.trace()).setAttribute(Traces.ARCHIVE, archive);
        }
        faults.at(Faults.AFTER_TERMINAL_EVENT, events.commandId());
        finish(job.record().withArchive(archive, Instant.now()).moved(CommandRecord.State.COMPLETED, Instant.now()),
                events, cancellation);
        return JobOutcome.COMPLETED;
    }

    /**
     * A failed attempt may have lost the target's lock with its session (the server restarted, the
     * session was ended): the next attempt takes it again first, or every commit would find it
     * gone. While the lock was free another job may have taken the command over (a redelivery to
     * another worker); the command is then that job's, and this one leaves it as a stopped job
     * does, without touching its record.
     */
    private <C extends Command> void regainLock(CommandKind<C> kind, C command, CommandJob job) {
        JobEvents events = job.events();
        if (!job.lock().regain(events.jobId(), job.cancellation())) {
            return;
        }
        String holder = ledger.find(kind.name(), command, events, job.cancellation()).map(CommandRecord::jobId)
                .orElse("none");
        if (!holder.equals(events.jobId())) {
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "job " + holder
                    + " took the command over while the lock of target " + command.target() + " was lost"));
        }
    }

    /**
     * An earlier job of this command left its record unfinished: it died, or it was stopped. If
     * its terminal event reached the topic, the command ended there and the record is finished
     * now; a restore that was applied and then failed stays open, to resume its remaining steps.
     */
    private CommandRecord finishedFromHistory(CommandRecord earlier, JobEvents events, Cancellation cancellation) {
        Optional<JobHistory.Ending> ending = history.ending(earlier.jobId(), earlier.claimedAt());
        LOG.infof("job=%s target=%s stage=recovering earlierJob=%s state=%s ending=%s", events.jobId(),
                earlier.target(), earlier.jobId(), earlier.state(), ending.map(Enum::name).orElse("none"));
        if (ending.isEmpty()) {
            return earlier;
        }
        CommandRecord.State state = ending.get() == JobHistory.Ending.COMPLETED ? CommandRecord.State.COMPLETED
                : CommandRecord.State.FAILED;
        if (state == CommandRecord.State.FAILED && earlier.state() == CommandRecord.State.APPLIED) {
            return earlier;
        }
        return ledger.save(earlier.moved(state, Instant.now()), events, cancellation);
    }

    private <C extends Command> JobOutcome failed(CommandKind<C> kind, C command, JobEvents events,
            Cancellation cancellation, Failure failure, long started, boolean targetChanged) {
        Failure why = cancellation.isCancelled() ? cancellation.reason() : failure;
        Traces.failed(Span.fromContext(events.trace()), why);
        events.emit(kind.failed(command, events.jobId(), why,
                Duration.ofNanos(System.nanoTime() - started).toMillis(), targetChanged));
        faults.at(Faults.AFTER_TERMINAL_EVENT, events.commandId());
        return why.code() == ErrorCode.WORKER_STOPPED ? JobOutcome.ABANDONED : JobOutcome.FAILED;
    }

    private static Failure failureOf(JobFailedException e, Cancellation cancellation) {
        return cancellation.isCancelled() ? cancellation.reason() : e.failure();
    }

    /**
     * Finishes the record after the terminal event. If it cannot be written the outcome still
     * stands (its event is out); a redelivery would find the unfinished record and read the event.
     */
    private void finish(CommandRecord record, JobEvents events, Cancellation cancellation) {
        try {
            ledger.save(record, events, cancellation);
        } catch (JobFailedException e) {
            LOG.errorf("job=%s target=%s stage=record-not-finished state=%s code=%s msg=\"%s\"", record.jobId(),
                    record.target(), record.state(), e.failure().code(), e.failure().message());
        }
        faults.at(Faults.AFTER_RECORD, events.commandId());
    }
}
