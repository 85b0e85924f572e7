package dev.shoehorn.backup.reaction;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.storage.ReactionRecord;
import dev.shoehorn.backup.storage.ReactionRecord.State;
import dev.shoehorn.backup.tracing.Stage;

/**
 * After a restore with {@code postRestore.flushCache}: clears the application's Redis cache so that
 * nothing cached from before the restore is served, then reports {@code cache.flushed} (mode, keys
 * removed) or {@code cache.flush-failed}. Flushing is safe to repeat, so the record of the outcome
 * is written after it (at least once): a redelivery that finds it does nothing.
 */
@ApplicationScoped
public class CacheFlush implements Reaction {

    static final String NAME = "cache-flush";
    private static final Logger LOG = Logger.getLogger(CacheFlush.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final CacheFlushConfig config;
    private final RedisCache cache;
    private final ReactionRecords records;
    private final ProgressPublisher progress;
    private final Retry retry;

    public CacheFlush(CacheFlushConfig config, RedisCache cache, ReactionRecords records, ProgressPublisher progress) {
        this.config = config;
        this.cache = cache;
        this.records = records;
        this.progress = progress;
        this.retry = Retry.of(new Backoff(config.backoffInitial(),
                config.backoffInitial().compareTo(MAX_WAIT) > 0 ? config.backoffInitial() : MAX_WAIT),
                config.maxAttempts());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage stage() {
        return Stage.CACHE_FLUSH;
    }

    @Override
    public boolean wants(RestoreCompleted restore) {
        return restore.postRestore().flushCache();
    }

    @Override
    public void react(RestoreCompleted restore) throws InterruptedException {
        String jobId = Reaction.jobId(NAME, restore.restoreJobId());
        ReactionRecords.Earlier earlier = records.earlier(NAME, restore.restoreJobId(), jobId);
        if (earlier.unknown()) {
            return;
        }
        if (earlier.record().isPresent()) {
            LOG.infof("reaction=%s restoreJob=%s job=%s stage=duplicate state=%s", NAME, restore.restoreJobId(),
                    jobId, earlier.record().get().state());
            return;
        }
        JobEvents events = progress.job(jobId, restore.commandId(), restore.target());
        FlushMode mode = config.mode();
        long started = System.nanoTime();
        State outcome;
        try {
            long removed = flush(events, mode);
            events.emit(new ReactionEvents.CacheFlushed(restore.restoreJobId(), mode.label(), removed,
                    millisSince(started)));
            outcome = State.COMPLETED;
        } catch (JobFailedException e) {
            events.emit(new ReactionEvents.CacheFlushFailed(restore.restoreJobId(), mode.label(),
                    ErrorInfo.of(e.failure()), millisSince(started)));
            outcome = State.FAILED;
        }
        try {
            records.save(ReactionRecord.of(NAME, restore.restoreJobId(), jobId, restore.commandId(), restore.target(),
                    outcome, events.lastSeq(), events.attempt(), Instant.now()));
        } catch (JobFailedException e) {
            LOG.errorf("reaction=%s restoreJob=%s job=%s stage=record-failed code=%s msg=\"%s\"", NAME,
                    restore.restoreJobId(), jobId, e.failure().code(), e.failure().message());
        }
    }

    private long flush(JobEvents events, FlushMode mode) throws InterruptedException {
        return retry.run(attempt -> {
            events.attempt(attempt);
            return switch (mode) {
                case FLUSHDB -> cache.flushDatabase(config.database());
                case PATTERNS -> cache.unlinkMatching(config.database(), patterns(), config.scanCount());
            };
        }, Retry.THREAD_SLEEP, (attempt, failure, wait) -> LOG.infof(
                "job=%s target=%s stage=retrying attempt=%d code=%s wait=%s msg=\"%s\"", events.jobId(),
                events.target(), attempt, failure.code(), wait, failure.message()));
    }

    private List<String> patterns() {
        return config.patterns().filter(p -> !p.isEmpty()).orElseThrow(() -> new JobFailedException(
                Failure.permanent(ErrorCode.CACHE_FLUSH_FAILED,
                        "mode patterns needs backup.reactions.cache.patterns")));
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
