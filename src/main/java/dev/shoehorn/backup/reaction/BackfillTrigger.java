package dev.shoehorn.backup.reaction;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.storage.ReactionRecord;
import dev.shoehorn.backup.storage.ReactionRecord.State;
import dev.shoehorn.backup.tracing.Stage;

/**
 * After a restore with {@code postRestore.backfill}: asks the search API to re-index
 * ({@code backfill.requested}), then polls its status until it is no longer {@code running}
 * ({@code backfill.completed} or {@code backfill.failed}) or {@code backup.reactions.backfill.timeout}
 * has passed.
 *
 * <p>At most one backfill request per restore job: a record is claimed in object storage before
 * the first POST, and a later delivery of the same restore.completed (a redelivery, a restart, a
 * second replica) finds it and never posts. It then resumes polling when the request had been
 * accepted, and otherwise reports that the outcome is unknown rather than risk a second backfill.
 */
@ApplicationScoped
public class BackfillTrigger implements Reaction {

    static final String NAME = "backfill";
    private static final Logger LOG = Logger.getLogger(BackfillTrigger.class);

    private final BackfillConfig config;
    private final SearchApi api;
    private final ReactionRecords records;
    private final ProgressPublisher progress;
    private final Retry retry;

    public BackfillTrigger(BackfillConfig config, SearchApi api, ReactionRecords records, ProgressPublisher progress) {
        this.config = config;
        this.api = api;
        this.records = records;
        this.progress = progress;
        this.retry = Retry.of(new Backoff(config.backoffInitial(), config.backoffMax()), config.maxAttempts());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage stage() {
        return Stage.BACKFILL;
    }

    @Override
    public boolean wants(RestoreCompleted restore) {
        return restore.postRestore().backfill();
    }

    @Override
    public void react(RestoreCompleted restore) throws InterruptedException {
        String jobId = Reaction.jobId(NAME, restore.restoreJobId());
        ReactionRecords.Earlier earlier = records.earlier(NAME, restore.restoreJobId(), jobId);
        if (earlier.unknown()) {
            return; // cannot tell whether a backfill was requested: at most once means not posting
        }
        if (earlier.record().isPresent()) {
            again(restore, earlier.record().get());
            return;
        }
        ReactionRecord claim = ReactionRecord.of(NAME, restore.restoreJobId(), jobId, restore.commandId(),
                restore.target(), State.CLAIMED, 0, 1, Instant.now());
        JobEvents events = progress.job(jobId, restore.commandId(), restore.target());
        long started = System.nanoTime();
        try {
            records.save(claim);
        } catch (JobFailedException e) {
            fail(events, claim, e.failure(), started);
            return;
        }
        LOG.infof("reaction=%s restoreJob=%s job=%s target=%s stage=claimed", NAME, restore.restoreJobId(), jobId,
                restore.target());
        BackfillStarted accepted;
        try {
            accepted = request(events);
        } catch (JobFailedException e) {
            fail(events, claim, e.failure(), started);
            return;
        }
        events.emit(new ReactionEvents.BackfillRequested(restore.restoreJobId(), accepted.startedAt(),
                accepted.collections()));
        ReactionRecord requested = saveQuietly(claim.requested(events.lastSeq(), events.attempt(), Instant.now(),
                accepted.startedAt(), accepted.collections()));
        poll(events, requested);
    }

    /** A later delivery of a restore that already has a record: never a second POST. */
    private void again(RestoreCompleted restore, ReactionRecord record) throws InterruptedException {
        LOG.infof("reaction=%s restoreJob=%s job=%s stage=duplicate state=%s", NAME, restore.restoreJobId(),
                record.jobId(), record.state());
        if (record.state().isFinal()) {
            return;
        }
        JobEvents events = progress.resume(record.jobId(), record.commandId(), record.target(), record.lastSeq());
        events.attempt(Math.max(1, record.attempt()));
        if (record.state() == State.REQUESTED) {
            LOG.infof("reaction=%s restoreJob=%s job=%s stage=resumed", NAME, record.restoreJobId(), record.jobId());
            poll(events, record);
            return;
        }
        // CLAIMED: an earlier delivery stopped between its claim and the API's answer.
        fail(events, record, Failure.permanent(ErrorCode.BACKFILL_FAILED, "an earlier delivery of this restore "
                + "claimed the backfill and stopped before the search API answered; not requesting it again "
                + "(at most once per restore): check the search API and start a backfill by hand if none ran"),
                System.nanoTime());
    }

    /** The POST, retried with backoff while its failures are retryable. */
    private BackfillStarted request(JobEvents events) throws InterruptedException {
        return retry.run(attempt -> {
            events.attempt(attempt);
            return api.requestBackfill();
        }, Retry.THREAD_SLEEP, (attempt, failure, wait) -> LOG.infof(
                "job=%s target=%s stage=retrying attempt=%d code=%s wait=%s msg=\"%s\"", events.jobId(),
                events.target(), attempt, failure.code(), wait, failure.message()));
    }

    /** Polls until the backfill is no longer running or the timeout (counted from the request) has passed. */
    private void poll(JobEvents events, ReactionRecord record) throws InterruptedException {
        Instant requestedAt = record.requestedAt() == null ? record.claimedAt() : record.requestedAt();
        Instant deadline = requestedAt.plus(config.timeout());
        while (true) {
            Instant now = Instant.now();
            if (!now.isBefore(deadline)) {
                fail(events, record, Failure.retryable(ErrorCode.BACKFILL_TIMEOUT, "the backfill was still running "
                        + "after backup.reactions.backfill.timeout=" + config.timeout()),
                        Duration.between(requestedAt, now));
                return;
            }
            Duration wait = config.pollInterval();
            Duration left = Duration.between(now, deadline);
            Thread.sleep((wait.compareTo(left) > 0 ? left : wait).toMillis());
            String status;
            try {
                status = api.status();
            } catch (JobFailedException e) {
                if (e.failure().retryable()) {
                    LOG.warnf("job=%s target=%s stage=poll-retry code=%s msg=\"%s\"", events.jobId(), events.target(),
                            e.failure().code(), e.failure().message());
                    continue;
                }
                fail(events, record, e.failure(), Duration.between(requestedAt, Instant.now()));
                return;
            }
            if ("running".equalsIgnoreCase(status)) {
                LOG.debugf("job=%s target=%s stage=polled status=running", events.jobId(), events.target());
                continue;
            }
            Duration took = Duration.between(requestedAt, Instant.now());
            if ("completed".equalsIgnoreCase(status)) {
                events.emit(new ReactionEvents.BackfillCompleted(record.restoreJobId(), took.toMillis()));
                saveQuietly(record.moved(State.COMPLETED, events.lastSeq(), events.attempt(), Instant.now()));
            } else {
                fail(events, record, Failure.retryable(ErrorCode.BACKFILL_FAILED,
                        "the search API reports the backfill as \"" + status + "\""), took);
            }
            return;
        }
    }

    private void fail(JobEvents events, ReactionRecord record, Failure failure, long startedNanos)
            throws InterruptedException {
        fail(events, record, failure, Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private void fail(JobEvents events, ReactionRecord record, Failure failure, Duration took)
            throws InterruptedException {
        events.emit(new ReactionEvents.BackfillFailed(record.restoreJobId(), ErrorInfo.of(failure),
                took.toMillis()));
        saveQuietly(record.moved(State.FAILED, events.lastSeq(), events.attempt(), Instant.now()));
    }

    /**
     * Records progress after the claim. Failing to do so loses only the ability to resume: the
     * claim already stops any second POST.
     */
    private ReactionRecord saveQuietly(ReactionRecord record) throws InterruptedException {
        try {
            return records.save(record);
        } catch (JobFailedException e) {
            LOG.errorf("reaction=%s restoreJob=%s job=%s stage=record-failed state=%s code=%s msg=\"%s\"", NAME,
                    record.restoreJobId(), record.jobId(), record.state(), e.failure().code(), e.failure().message());
            return record;
        }
    }
}
