package dev.shoehorn.backup.progress;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.shoehorn.backup.storage.ArchiveRef;

/**
 * What a stage event knows beyond the fields every event has. Built with withers from
 * {@link #NONE} so that each stage names just what it adds; absent fields are left out of the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Details(
        String requestedBy,
        String reason,
        String sourceTarget,
        Long bytesDone,
        Long bytesTotal,
        Integer percent,
        ArchiveRef archive,
        Long durationMs,
        ErrorInfo error,
        String originalJobId,
        PostRestore postRestore,
        List<String> rlsTables,
        String restoreJobId,
        String startedAt,
        List<String> collections,
        String mode,
        Long keysRemoved,
        Boolean targetChanged,
        String keptDatabase,
        String rollbackOf) {

    public static final Details NONE = new Builder().build();

    public Details requested(String by, String why) {
        return with(b -> {
            b.requestedBy = by;
            b.reason = why;
        });
    }

    public Details sourceTarget(String source) {
        return with(b -> b.sourceTarget = source);
    }

    public Details bytes(long done, long total, int pct) {
        return with(b -> {
            b.bytesDone = done;
            b.bytesTotal = total;
            b.percent = pct;
        });
    }

    public Details archive(ArchiveRef ref) {
        return with(b -> b.archive = ref);
    }

    public Details duration(long millis) {
        return with(b -> b.durationMs = millis);
    }

    public Details error(ErrorInfo info) {
        return with(b -> b.error = info);
    }

    public Details originalJob(String jobId) {
        return with(b -> b.originalJobId = jobId);
    }

    public Details postRestore(PostRestore steps) {
        return with(b -> b.postRestore = steps);
    }

    public Details rlsTables(List<String> tables) {
        return with(b -> b.rlsTables = List.copyOf(tables));
    }

    /** For reactions: the restore job they react to. */
    public Details restoreJob(String jobId) {
        return with(b -> b.restoreJobId = jobId);
    }

    /** For the backfill reaction: what the search API said it started. */
    public Details backfill(String started, List<String> names) {
        return with(b -> {
            b.startedAt = started;
            b.collections = names == null ? null : List.copyOf(names);
        });
    }

    /** For the cache-flush reaction: how the cache was cleared and how many keys went. */
    public Details cache(String flushMode, Long removed) {
        return with(b -> {
            b.mode = flushMode;
            b.keysRemoved = removed;
        });
    }

    /** For restores: how the archive is written (single-transaction, swap). */
    public Details mode(String restoreMode) {
        return with(b -> b.mode = restoreMode);
    }

    /** For a failed restore: whether the target is no longer as it was before the job. */
    public Details targetChanged(boolean changed) {
        return with(b -> b.targetChanged = changed);
    }

    /** For a swap: the database the target was before, kept for a rollback. */
    public Details keptDatabase(String database) {
        return with(b -> b.keptDatabase = database);
    }

    /** For a rollback: the restore job whose swap it undoes. */
    public Details rollbackOf(String jobId) {
        return with(b -> b.rollbackOf = jobId);
    }

    private Details with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** The one place that lists every field twice; withers change a copy of it. */
    private static final class Builder {
        String requestedBy;
        String reason;
        String sourceTarget;
        Long bytesDone;
        Long bytesTotal;
        Integer percent;
        ArchiveRef archive;
        Long durationMs;
        ErrorInfo error;
        String originalJobId;
        PostRestore postRestore;
        List<String> rlsTables;
        String restoreJobId;
        String startedAt;
        List<String> collections;
        String mode;
        Long keysRemoved;
        Boolean targetChanged;
        String keptDatabase;
        String rollbackOf;

        Builder() {
        }

        Builder(Details d) {
            requestedBy = d.requestedBy;
            reason = d.reason;
            sourceTarget = d.sourceTarget;
            bytesDone = d.bytesDone;
            bytesTotal = d.bytesTotal;
            percent = d.percent;
            archive = d.archive;
            durationMs = d.durationMs;
            error = d.error;
            originalJobId = d.originalJobId;
            postRestore = d.postRestore;
            rlsTables = d.rlsTables;
            restoreJobId = d.restoreJobId;
            startedAt = d.startedAt;
            collections = d.collections;
            mode = d.mode;
            keysRemoved = d.keysRemoved;
            targetChanged = d.targetChanged;
            keptDatabase = d.keptDatabase;
            rollbackOf = d.rollbackOf;
        }

        Details build() {
            return new Details(requestedBy, reason, sourceTarget, bytesDone, bytesTotal, percent, archive, durationMs,
                    error, originalJobId, postRestore, rlsTables, restoreJobId, startedAt, collections, mode,
                    keysRemoved, targetChanged, keptDatabase, rollbackOf);
        }
    }
}
