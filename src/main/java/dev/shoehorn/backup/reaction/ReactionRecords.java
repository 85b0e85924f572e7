package dev.shoehorn.backup.reaction;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.job.JobFailedException;
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
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

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
        Duration wait = FIRST_WAIT;
        while (true) {
            try {
                return call.get();
            } catch (JobFailedException e) {
                if (!e.failure().retryable()) {
                    throw e;
                }
                LOG.warnf("reaction=%s restoreJob=%s stage=record-%s-retry code=%s wait=%s msg=\"%s\"", reaction,
                        restoreJobId, action, e.failure().code(), wait, e.failure().message());
            }
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
        }
    }
}
