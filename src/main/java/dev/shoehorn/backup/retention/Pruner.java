package dev.shoehorn.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.retention.RetentionEvents.FailedItem;
import dev.shoehorn.backup.retention.RetentionEvents.Item;
import dev.shoehorn.backup.retention.RetentionPlan.Candidate;
import dev.shoehorn.backup.retention.RetentionPlan.Decision;
import dev.shoehorn.backup.storage.ArchiveChecks;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.ArchiveStore.StoredObject;
import dev.shoehorn.backup.storage.CommandRecord;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.ReactionRecord;

/**
 * Applies a target's retention to the store: the archives that {@link RetentionPlan} gives up (a
 * manifest is deleted before its archive, so that a run cut short never leaves an archive that looks
 * complete without its data), abandoned multipart uploads, and finished records past their useful
 * life. An object that cannot be deleted is reported and left for the next run; it never stops the
 * rest.
 */
public final class Pruner {

    private static final Logger LOG = Logger.getLogger(Pruner.class);
    private static final List<String> COMMAND_KINDS = List.of("backup", "restore");
    public static final String ABANDONED_UPLOAD = "abandoned-upload";
    public static final String RECORD_EXPIRED = "record-expired";

    private final ArchiveStore store;
    private final Duration incompleteGrace;
    private final Duration recordMaxAge;
    private final Duration abandonedUploadAge;

    public Pruner(ArchiveStore store, Duration incompleteGrace, Duration recordMaxAge, Duration abandonedUploadAge) {
        this.store = store;
        this.incompleteGrace = incompleteGrace;
        this.recordMaxAge = recordMaxAge;
        this.abandonedUploadAge = abandonedUploadAge;
    }

    /** What one run did to one target. */
    public record Result(List<Item> deleted, List<Item> kept, List<FailedItem> failed, int recordsDeleted) {
    }

    /**
     * Prunes {@code target} as of {@code now}.
     *
     * @throws JobFailedException when the target's folder cannot be listed: nothing is deleted
     */
    public Result prune(String target, RetentionRules rules, Instant now) {
        List<Item> deleted = new ArrayList<>();
        List<Item> kept = new ArrayList<>();
        List<FailedItem> failed = new ArrayList<>();
        for (Decision decision : RetentionPlan.plan(candidates(target), rules, incompleteGrace, now)) {
            String key = decision.archive().archiveKey();
            if (!decision.delete()) {
                kept.add(new Item(key, decision.reason()));
                continue;
            }
            // the commit point goes first: if the archive's delete then fails, what is left is incomplete
            if (decision.archive().manifestPresent()
                    && !delete(target, ArchiveKeys.manifestOf(key), decision.reason(), deleted, failed)) {
                continue;
            }
            if (decision.archive().archivePresent()) {
                delete(target, key, decision.reason(), deleted, failed);
            }
        }
        abortAbandonedUploads(target, now, deleted, failed);
        int records = pruneRecords(target, now, failed);
        return new Result(deleted, kept, failed, records);
    }

    /**
     * The folder's archives as the plan sees them, aged by their names' stamps (when the backup
     * started, whatever the store's dates say); manifests are read to tell complete from not.
     */
    private List<Candidate> candidates(String target) {
        Map<String, StoredObject> objects = new HashMap<>();
        store.objectsUnder(store.keys().targetPrefix(target)).forEach(o -> objects.put(o.key(), o));
        Map<String, Long> sizes = new HashMap<>();
        objects.forEach((k, o) -> sizes.put(k, o.bytes()));
        List<Candidate> candidates = new ArrayList<>();
        for (String key : ArchiveChecks.archivesNewestFirst(objects.keySet())) {
            if (ArchiveKeys.stampOf(key).isEmpty()) {
                continue; // not named as the worker names archives: not the worker's to judge
            }
            String manifestKey = ArchiveKeys.manifestOf(key);
            boolean manifestPresent = objects.containsKey(manifestKey);
            Optional<Manifest> manifest = Optional.empty();
            if (manifestPresent) {
                try {
                    manifest = store.manifest(key);
                } catch (JobFailedException e) {
                    if (!(e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException)) {
                        throw e; // the store failed: decide nothing on half the facts
                    }
                }
            }
            String problem = ArchiveChecks.archiveProblem(target, key, sizes, manifest.map(
                    m -> new ArchiveChecks.ManifestFacts(m.target(), m.archiveKey(), m.bytes()))).orElse(null);
            Instant madeAt = ArchiveKeys.stampOf(key).orElseThrow();
            candidates.add(new Candidate(key, madeAt, objects.containsKey(key), manifestPresent, problem));
        }
        return candidates;
    }

    private void abortAbandonedUploads(String target, Instant now, List<Item> deleted, List<FailedItem> failed) {
        Instant cutoff = now.minus(abandonedUploadAge);
        List<ArchiveStore.OpenUpload> uploads;
        try {
            uploads = store.uploadsUnder(store.keys().targetPrefix(target));
        } catch (JobFailedException e) {
            failed.add(new FailedItem(store.keys().targetPrefix(target), ABANDONED_UPLOAD, e.failure().message()));
            return;
        }
        for (ArchiveStore.OpenUpload upload : uploads) {
            if (upload.initiated() == null || !upload.initiated().isBefore(cutoff)) {
                continue; // a running job's
            }
            try {
                store.abortUpload(upload);
                deleted.add(new Item(upload.key(), ABANDONED_UPLOAD));
                LOG.infof("target=%s stage=retention-deleted key=%s reason=%s initiated=%s", target, upload.key(),
                        ABANDONED_UPLOAD, upload.initiated());
            } catch (JobFailedException e) {
                failed.add(new FailedItem(upload.key(), ABANDONED_UPLOAD, e.failure().message()));
            }
        }
    }

    /**
     * Finished idempotency and reaction records of the target older than their useful life; an
     * unfinished one (a job that may yet resume) is left. Returns how many were deleted.
     */
    private int pruneRecords(String target, Instant now, List<FailedItem> failed) {
        Instant cutoff = now.minus(recordMaxAge);
        int deleted = 0;
        try {
            for (String kind : COMMAND_KINDS) {
                for (StoredObject o : store.objectsUnder(store.keys().commands(kind, target))) {
                    if (o.lastModified().isBefore(cutoff) && store.record(o.key(), CommandRecord.class)
                            .filter(r -> r.state().isFinal()).isPresent()) {
                        deleted += deleteRecord(target, o.key(), failed);
                    }
                }
            }
            for (StoredObject o : store.objectsUnder(store.keys().reactionsRoot())) {
                if (o.lastModified().isBefore(cutoff) && store.record(o.key(), ReactionRecord.class)
                        .filter(r -> target.equals(r.target()) && r.state().isFinal()).isPresent()) {
                    deleted += deleteRecord(target, o.key(), failed);
                }
            }
        } catch (JobFailedException e) {
            failed.add(new FailedItem(store.keys().commands("*", target), RECORD_EXPIRED, e.failure().message()));
        }
        return deleted;
    }

    private int deleteRecord(String target, String key, List<FailedItem> failed) {
        try {
            store.delete(key);
            LOG.debugf("target=%s stage=retention-record-deleted key=%s", target, key);
            return 1;
        } catch (JobFailedException e) {
            failed.add(new FailedItem(key, RECORD_EXPIRED, e.failure().message()));
            return 0;
        }
    }

    /** Deletes one object of an archive; false when it could not be (reported in {@code failed}). */
    private boolean delete(String target, String key, String reason, List<Item> deleted, List<FailedItem> failed) {
        try {
            store.delete(key);
            deleted.add(new Item(key, reason));
            LOG.infof("target=%s stage=retention-deleted key=%s reason=%s", target, key, reason);
            return true;
        } catch (JobFailedException e) {
            failed.add(new FailedItem(key, reason, e.failure().message()));
            LOG.warnf("target=%s stage=retention-delete-failed key=%s reason=%s code=%s msg=\"%s\"", target, key,
                    reason, e.failure().code(), e.failure().message());
            return false;
        }
    }
}
