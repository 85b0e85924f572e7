package dev.shoehorn.backup.command;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;

/**
 * The idempotency records of commands, one per (kind, target, commandId), in object storage.
 * Reads and writes inside a job are retried like the job's own steps: a job that cannot tell
 * whether its command ran must not guess.
 */
@ApplicationScoped
public class CommandLedger {

    private static final Logger LOG = Logger.getLogger(CommandLedger.class);

    private final ArchiveStore store;
    private final JobAttempts attempts;

    public CommandLedger(ArchiveStore store, JobAttempts attempts) {
        this.store = store;
        this.attempts = attempts;
    }

    /**
     * The record, if storage can tell now; the intake's fast path only. A storage error defers the
     * question to the job, which asks again under the target's lock.
     */
    public Optional<CommandRecord> peek(String kind, Command command) {
        try {
            return store.findCommand(kind, command.target(), command.commandId().toString());
        } catch (JobFailedException e) {
            LOG.warnf("command=%s target=%s stage=idempotency-check-deferred code=%s msg=\"%s\"", command.commandId(),
                    command.target(), e.failure().code(), e.failure().message());
            return Optional.empty();
        }
    }

    public Optional<CommandRecord> find(String kind, Command command, JobEvents events, Cancellation cancellation) {
        return attempts.retrying(events, cancellation,
                n -> store.findCommand(kind, command.target(), command.commandId().toString()));
    }

    /**
     * Claims the command for this job: a conditional write of the first record, or, when an
     * earlier job died part-way, its record taken over with what it had done.
     *
     * @param archiveRead the archive the job reads (a restore's), named by the record; null for none
     */
    public CommandRecord claim(String kind, Command command, Optional<CommandRecord> earlier, String archiveRead,
            JobEvents events, Cancellation cancellation) {
        Instant now = Instant.now();
        if (earlier.isPresent()) {
            CommandRecord takenOver = reading(earlier.get().takenOverBy(events.jobId(), now), archiveRead, now);
            save(takenOver, events, cancellation);
            LOG.infof("job=%s target=%s stage=claim-taken-over from=%s state=%s", events.jobId(), command.target(),
                    earlier.get().jobId(), earlier.get().state());
            return takenOver;
        }
        CommandRecord claim = reading(CommandRecord.claim(kind, command.target(), command.commandId().toString(),
                events.jobId(), now), archiveRead, now);
        boolean claimed = attempts.retrying(events, cancellation, n -> store.claimCommand(claim));
        if (!claimed) {
            // Under the target's lock no other job of this command runs: only a lock lost on the
            // way (a database restart) lets two in. Let the attempt fail and start over.
            throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                    "another job claimed command " + command.commandId() + " at the same time"));
        }
        return claim;
    }

    private static CommandRecord reading(CommandRecord record, String archive, Instant now) {
        return archive == null ? record : record.withArchive(archive, now);
    }

    /**
     * Records an outcome reached before any claim (the target's lock could not be had), unless a
     * record exists; one try, as the job has already reported its end.
     */
    public void recordIfAbsent(CommandRecord record) {
        try {
            store.claimCommand(record);
        } catch (JobFailedException e) {
            LOG.warnf("job=%s target=%s stage=record-not-written state=%s code=%s msg=\"%s\"", record.jobId(),
                    record.target(), record.state(), e.failure().code(), e.failure().message());
        }
    }

    public CommandRecord save(CommandRecord record, JobEvents events, Cancellation cancellation) {
        attempts.retrying(events, cancellation, n -> {
            store.saveCommand(record);
            return null;
        });
        LOG.debugf("job=%s target=%s stage=record state=%s", record.jobId(), record.target(), record.state());
        return record;
    }
}
