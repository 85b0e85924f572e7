package dev.shoehorn.backup.progress;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.shoehorn.backup.storage.ArchiveRef;

/**
 * What a stage event knows beyond the fields every event has. Built with withers so that each
 * stage names just what it adds; absent fields are left out of the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Details(
        String requestedBy,
        String reason,
        Long bytesDone,
        Long bytesTotal,
        Integer percent,
        ArchiveRef archive,
        Long durationMs,
        ErrorInfo error,
        String originalJobId) {

    public static final Details NONE = new Details(null, null, null, null, null, null, null, null, null);

    public Details requested(String by, String why) {
        return new Details(by, why, bytesDone, bytesTotal, percent, archive, durationMs, error, originalJobId);
    }

    public Details bytes(long done, long total, int pct) {
        return new Details(requestedBy, reason, done, total, pct, archive, durationMs, error, originalJobId);
    }

    public Details archive(ArchiveRef ref) {
        return new Details(requestedBy, reason, bytesDone, bytesTotal, percent, ref, durationMs, error, originalJobId);
    }

    public Details duration(long millis) {
        return new Details(requestedBy, reason, bytesDone, bytesTotal, percent, archive, millis, error, originalJobId);
    }

    public Details error(ErrorInfo info) {
        return new Details(requestedBy, reason, bytesDone, bytesTotal, percent, archive, durationMs, info, originalJobId);
    }

    public Details originalJob(String jobId) {
        return new Details(requestedBy, reason, bytesDone, bytesTotal, percent, archive, durationMs, error, jobId);
    }
}
