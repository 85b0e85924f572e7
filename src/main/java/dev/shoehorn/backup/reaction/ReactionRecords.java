package dev.shoehorn.backup.reaction;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.ReactionRecord;

/**
 * The reactions' records in object storage ({@code <prefix>/.reactions/<reaction>/<restoreJobId>.json}).
 * A reaction that cannot read or write its record cannot tell whether it already acted, so
 * transient storage errors are waited out here (with a growing pause, until the worker stops)
 * rather than guessed past; a permanent one (access denied, an unreadable record) is thrown as a
 * {@link JobFailedException}.
 */
@ApplicationScoped
public class ReactionRecords {

    private static final Logger LOG = Logger.getLogger(ReactionRecords.class);
    private static final Retry PATIENTLY = Retry.untilStopped(new Backoff(Duration.ofSeconds(1),
            Duration.ofSeconds(30)));

    private final ArchiveStore store;

    public ReactionRecords(ArchiveStore store) {
        this.store = store;
    }

    public Optional<ReactionRecord> find(String reaction, String restoreJobId) throws InterruptedException {
        return patiently(reaction, restoreJobId, "read", () -> store.findReaction(reaction, restoreJobId));
    }

    /** What an earlier delivery of the same restore left: its record, none, or unknown (unreadable). */
    public record Earlier(Optional<ReactionRecord> record, boolean unknown) {
    }

    /** Like {@link #find}, but a permanent storage error is logged and reported as unknown. */
    public Earlier earlier(String reaction, String restoreJobId, String jobId) throws InterruptedException {
        try {
            return new Earlier(find(reaction, restoreJobId), false);
        } catch (JobFailedException e) {
            LOG.errorf("reaction=%s restoreJob=%s job=%s stage=record-unreadable code=%s msg=\"%s\"", reaction,
                    restoreJobId, jobId, e.failure().code(), e.failure().message());
            return new Earlier(Optional.empty(), true);
        }
    }

    public ReactionRecord save(ReactionRecord record) throws InterruptedException {
        patiently(record.reaction(), record.restoreJobId(), "write", () -> {
            store.recordReaction(record);
            return null;
        });
        LOG.debugf("reaction=%s restoreJob=%s stage=record state=%s seq=%d", record.reaction(), record.restoreJobId(),
                record.state(), record.lastSeq());
        return record;
    }

    private static <T> T patiently(String reaction, String restoreJobId, String action, Supplier<T> call)
            throws InterruptedException {
        return PATIENTLY.run(attempt -> call.get(), Retry.THREAD_SLEEP, (attempt, failure, wait) -> LOG.warnf(
                "reaction=%s restoreJob=%s stage=record-%s-retry code=%s wait=%s msg=\"%s\"", reaction, restoreJobId,
                action, failure.code(), wait, failure.message()));
    }
}
