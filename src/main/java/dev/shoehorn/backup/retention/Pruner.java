package dev.shoehorn.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.retention.RetentionPlan.Candidate;
import dev.shoehorn.backup.retention.RetentionPlan.Decision;
import dev.shoehorn.backup.storage.ArchiveChecks;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.OpenUpload;
import dev.shoehorn.backup.storage.StoredObject;

/**
 * Applies a target's retention to a bucket: the archives that {@link RetentionPlan} gives up (a
 * manifest is deleted before its archive, so that a run cut short never leaves an archive that looks
 * complete without its data), abandoned multipart uploads, and records past their useful life. An
 * object that cannot be deleted is reported and left for the next run; it never stops the rest. A dry
 * run reports the same without deleting. The worker and the CLI compile this one class.
 *
 * <p>Retention takes no target lock, so it may run while a restore or drill of any target reads an
 * archive of this one: such a job's record (claimed, not ended, written within the incomplete grace,
 * which outlasts any job) names the archive from its claim on, and the archive is kept.
 */
public final class Pruner {

    public static final String ABANDONED_UPLOAD = "abandoned-upload";
    public static final String RECORD_EXPIRED = "record-expired";
    private static final String RESTORE = "restore";
    private static final List<String> COMMAND_KINDS = List.of("backup", RESTORE);
    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "FAILED");

    /** An object deleted (or, in a dry run, to be), or an archive kept, and why. */
    public record Item(String key, String reason) {
    }

    /** An object that could not be deleted: the next run tries again. */
    public record FailedItem(String key, String reason, String error) {
    }

    /** What one run did (or would do) to one target. */
    public record Result(List<Item> deleted, List<Item> kept, List<FailedItem> failed, int recordsDeleted) {
    }

    private final RetentionBucket bucket;
    private final Duration incompleteGrace;
    private final Duration recordMaxAge;
    private final Duration abandonedUploadAge;
    private final Consumer<String> log;

    /**
     * @param log receives one {@code key=value} line per object deleted or not deleted
     */
    public Pruner(RetentionBucket bucket, Duration incompleteGrace, Duration recordMaxAge,
            Duration abandonedUploadAge, Consumer<String> log) {
        this.bucket = bucket;
        this.incompleteGrace = incompleteGrace;
        this.recordMaxAge = recordMaxAge;
        this.abandonedUploadAge = abandonedUploadAge;
        this.log = log;
    }

    /**
     * Prunes {@code target} as of {@code now}; with {@code dryRun}, deletes nothing and reports what
     * it would delete.
     *
     * @throws RuntimeException when the target's folder, or the records of the restores that may read
     *         it, cannot be listed: nothing is deleted
     */
    public Result prune(String target, RetentionRules rules, Instant now, boolean dryRun) {
        Run run = new Run(target, dryRun);
        Map<String, Long> sizes = new HashMap<>();
        bucket.objects(bucket.keys().targetPrefix(target)).forEach(o -> sizes.put(o.key(), o.bytes()));
        Set<String> inUse = readByRunningRestores(target, now);
        for (Decision decision : RetentionPlan.plan(candidates(target, sizes), rules, incompleteGrace, inUse, now)) {
            String key = decision.archive().archiveKey();
            if (!decision.delete()) {
                run.kept.add(new Item(key, decision.reason()));
                continue;
            }
            // the commit point goes first: if the archive's delete then fails, what is left is incomplete
            if (decision.archive().manifestPresent()
                    && !run.delete(ArchiveKeys.manifestOf(key), decision.reason())) {
                continue;
            }
            // a directory archive is its files: each is deleted, and one that fails is retried next time
            ArchiveChecks.objectsOf(key, sizes.keySet()).forEach(object -> run.delete(object, decision.reason()));
        }
        abortAbandonedUploads(target, now, run);
        pruneRecords(target, now, run);
        return new Result(run.deleted, run.kept, run.failed, run.records);
    }

    /**
     * The folder's archives as the plan sees them, aged by their names' stamps (when the backup
     * started, whatever the store's dates say); manifests are read to tell complete from not.
     * Objects not named as the worker names archives are not the worker's to judge.
     */
    private List<Candidate> candidates(String target, Map<String, Long> sizes) {
        List<Candidate> candidates = new ArrayList<>();
        for (String key : ArchiveChecks.archivesNewestFirst(sizes.keySet())) {
            Optional<Instant> madeAt = ArchiveKeys.stampOf(key);
            if (madeAt.isEmpty()) {
                continue;
            }
            String manifestKey = ArchiveKeys.manifestOf(key);
            boolean manifestPresent = sizes.containsKey(manifestKey);
            Optional<ArchiveChecks.ManifestFacts> facts = Optional.empty();
            if (manifestPresent) {
                try {
                    facts = bucket.json(manifestKey).map(ArchiveChecks.ManifestFacts::of);
                } catch (IllegalArgumentException e) {
                    facts = Optional.empty(); // unreadable: incomplete
                }
            }
            String problem = ArchiveChecks.archiveProblem(target, key, sizes, facts).orElse(null);
            candidates.add(new Candidate(key, madeAt.get(), !ArchiveChecks.objectsOf(key, sizes.keySet()).isEmpty(),
                    manifestPresent, problem));
        }
        return candidates;
    }

    /**
     * The archives of the target that restores and drills (of any target) read now: those their
     * unfinished records name. A record written longer ago than the incomplete grace is no running
     * job's, and is not read.
     *
     * @throws RuntimeException when the records cannot be listed: nothing is deleted
     */
    private Set<String> readByRunningRestores(String target, Instant now) {
        Instant since = now.minus(incompleteGrace);
        Set<String> archives = new HashSet<>();
        for (StoredObject o : bucket.objects(bucket.keys().commandsOfKind(RESTORE))) {
            if (o.lastModified().isBefore(since)) {
                continue;
            }
            Optional<JsonNode> record;
            try {
                record = bucket.json(o.key());
            } catch (IllegalArgumentException e) {
                continue; // unreadable: no job wrote it
            }
            record.filter(r -> !FINAL_STATES.contains(r.path("state").asText()))
                    .map(r -> r.path("archiveKey").asText(""))
                    .filter(key -> key.startsWith(bucket.keys().targetPrefix(target)))
                    .ifPresent(archives::add);
        }
        return archives;
    }

    private void abortAbandonedUploads(String target, Instant now, Run run) {
        Instant cutoff = now.minus(abandonedUploadAge);
        List<OpenUpload> uploads;
        try {
            uploads = bucket.uploads(bucket.keys().targetPrefix(target));
        } catch (RuntimeException e) {
            run.failed.add(new FailedItem(bucket.keys().targetPrefix(target), ABANDONED_UPLOAD, message(e)));
            return;
        }
        for (OpenUpload upload : uploads) {
            if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) { // younger: a running job's
                run.act(upload.key(), ABANDONED_UPLOAD, () -> bucket.abort(upload));
            }
        }
    }

    /**
     * Records older than record-max-age: the target's idempotency records, whatever their state (no
     * redelivery of a command that old is accepted, so not even a claim a dead job left is read
     * again); its finished reaction records (an unfinished one is what keeps a reaction from running
     * twice); the retention schedule's claims, which belong to no target (the first target's run that
     * finds them deletes them); and the overdue watchdog's cleared breaches.
     */
    private void pruneRecords(String target, Instant now, Run run) {
        Instant cutoff = now.minus(recordMaxAge);
        for (String kind : COMMAND_KINDS) {
            olderThan(bucket.keys().commands(kind, target), cutoff, run).forEach(o -> run.record(o.key()));
        }
        for (StoredObject o : olderThan(bucket.keys().reactionsRoot(), cutoff, run)) {
            try {
                if (finished(o.key(), target)) {
                    run.record(o.key());
                }
            } catch (RuntimeException e) {
                run.failed.add(new FailedItem(o.key(), RECORD_EXPIRED, message(e)));
            }
        }
        olderThan(bucket.keys().retentionRuns(), cutoff, run).forEach(o -> run.record(o.key()));
        pruneClearedBreaches(target, cutoff, run);
    }

    /**
     * Each breach cleared before {@code cutoff}: its raised record in one run, its cleared record in a
     * later one, as a raised breach without its cleared record would be cleared, and announced, again
     * (a watchdog that read the raised record just before it went could still write the cleared one
     * after a delete in the same run). A breach not cleared is what stops the watchdog raising it
     * twice, and {@code watching.json} is when it began to watch a target that had no backup: both stay.
     */
    private void pruneClearedBreaches(String target, Instant cutoff, Run run) {
        List<StoredObject> records = listed(bucket.keys().overdue(target), run);
        Set<String> keys = new HashSet<>();
        records.forEach(o -> keys.add(o.key()));
        for (StoredObject o : records) {
            if (o.key().endsWith(ArchiveKeys.OVERDUE_CLEARED) && o.lastModified().isBefore(cutoff)) {
                String raised = o.key().substring(0, o.key().length() - ArchiveKeys.OVERDUE_CLEARED.length())
                        + ArchiveKeys.OVERDUE_RAISED;
                run.record(keys.contains(raised) ? raised : o.key());
            }
        }
    }

    /** The objects under {@code prefix} last written before {@code cutoff}. */
    private List<StoredObject> olderThan(String prefix, Instant cutoff, Run run) {
        return listed(prefix, run).stream().filter(o -> o.lastModified().isBefore(cutoff)).toList();
    }

    /** The records under {@code prefix}; none when they cannot be listed, which is reported. */
    private List<StoredObject> listed(String prefix, Run run) {
        try {
            return bucket.objects(prefix);
        } catch (RuntimeException e) {
            run.failed.add(new FailedItem(prefix, RECORD_EXPIRED, message(e)));
            return List.of();
        }
    }

    /** Whether the reaction record at {@code key} has ended and is {@code target}'s. */
    private boolean finished(String key, String target) {
        try {
            return bucket.json(key).filter(r -> FINAL_STATES.contains(r.path("state").asText()))
                    .filter(r -> target.equals(r.path("target").asText())).isPresent();
        } catch (IllegalArgumentException e) {
            return false; // unreadable: left for a person to look at
        }
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One run's findings. */
    private final class Run {
        final String target;
        final boolean dryRun;
        final List<Item> deleted = new ArrayList<>();
        final List<Item> kept = new ArrayList<>();
        final List<FailedItem> failed = new ArrayList<>();
        int records;

        Run(String target, boolean dryRun) {
            this.target = target;
            this.dryRun = dryRun;
        }

        boolean delete(String key, String reason) {
            return act(key, reason, () -> bucket.delete(key));
        }

        /** Deletes (or aborts) one object; false when that failed, which is reported. */
        boolean act(String key, String reason, Runnable deletion) {
            try {
                if (!dryRun) {
                    deletion.run();
                }
                deleted.add(new Item(key, reason));
                log.accept("target=" + target + " stage=retention-deleted key=" + key + " reason=" + reason + " dryRun=" + dryRun);
                return true;
            } catch (RuntimeException e) {
                failed.add(new FailedItem(key, reason, message(e)));
                log.accept("target=" + target + " stage=retention-delete-failed key=" + key + " reason=" + reason + " msg=\"" + message(e)
                        + "\"");
                return false;
            }
        }

        /** Deletes one record; a delete that failed is reported. */
        void record(String key) {
            try {
                if (!dryRun) {
                    bucket.delete(key);
                }
                records++;
            } catch (RuntimeException e) {
                failed.add(new FailedItem(key, RECORD_EXPIRED, message(e)));
            }
        }
    }
}
