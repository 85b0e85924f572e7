package dev.shoehorn.backup.command;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetLock;

/**
 * What a command's work gets from the job template: its events, cancellation, the target and its
 * held lock, the record an earlier unfinished job left, and this job's own record, which the work
 * moves forward at its commit points.
 */
public final class CommandJob {

    private final Target target;
    private final JobEvents events;
    private final Cancellation cancellation;
    private final TargetLock.Held lock;
    private final Optional<CommandRecord> earlier;
    private final CommandLedger ledger;
    private final Faults faults;
    private final long startedNanos;
    private volatile CommandRecord record;

    CommandJob(Target target, JobEvents events, Cancellation cancellation, TargetLock.Held lock,
            Optional<CommandRecord> earlier, CommandRecord record, CommandLedger ledger, Faults faults,
            long startedNanos) {
        this.target = target;
        this.events = events;
        this.cancellation = cancellation;
        this.lock = lock;
        this.earlier = earlier;
        this.record = record;
        this.ledger = ledger;
        this.faults = faults;
        this.startedNanos = startedNanos;
    }

    public Target target() {
        return target;
    }

    public JobEvents events() {
        return events;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public TargetLock.Held lock() {
        return lock;
    }

    /** The record of an earlier job of the same command that did not finish. */
    public Optional<CommandRecord> earlier() {
        return earlier;
    }

    public CommandRecord record() {
        return record;
    }

    /** Notes the archive this job writes, before its commit point, so that a redelivery can find it. */
    public void archive(String key) {
        record = ledger.save(record.withArchive(key, Instant.now()), events, cancellation);
    }

    /** Notes that the target holds the archive now: from here a failure leaves it changed. */
    public void applied() {
        applied(null);
    }

    /** As {@link #applied()}, for a swap that keeps the target's former database as {@code kept}. */
    public void applied(String kept) {
        record = ledger.save(record.applied(kept, Instant.now()), events, cancellation);
        faults.at(Faults.AFTER_APPLY, events.commandId());
    }

    public boolean targetChanged() {
        return record.state() == CommandRecord.State.APPLIED;
    }

    public void crashPoint(String point) {
        faults.at(point, events.commandId());
    }

    public long millisSinceStart() {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }
}
