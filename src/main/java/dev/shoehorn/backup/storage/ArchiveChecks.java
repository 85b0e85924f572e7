package dev.shoehorn.backup.storage;

import java.util.Map;
import java.util.Optional;

/**
 * When an archive counts as complete: its manifest names it, names the folder's target, and the
 * archive exists with the manifest's size. One rule for the worker's {@code latest} and for the CLI's
 * {@code list}, {@code verify} and {@code status}; it needs nothing but the JDK, so both compile it.
 */
public final class ArchiveChecks {

    private ArchiveChecks() {
    }

    /** The archive a manifest key sits beside. */
    public static String archiveKeyOf(String manifestKey) {
        return manifestKey.substring(0, manifestKey.length() - ArchiveKeys.MANIFEST_SUFFIX.length());
    }

    /**
     * Why the manifest at {@code manifestKey}, in the folder of {@code target}, does not describe a
     * complete archive ({@code target-mismatch}, {@code archive-key-mismatch}, {@code archive-missing},
     * {@code size-mismatch}), or empty when it does.
     *
     * @param sizes sizes of the folder's objects by key, as listed
     */
    public static Optional<String> problem(String target, String manifestKey, String manifestTarget,
            String manifestArchiveKey, long manifestBytes, Map<String, Long> sizes) {
        String archiveKey = archiveKeyOf(manifestKey);
        if (!target.equals(manifestTarget)) {
            return Optional.of("target-mismatch");
        }
        if (!archiveKey.equals(manifestArchiveKey)) {
            return Optional.of("archive-key-mismatch");
        }
        Long stored = sizes.get(archiveKey);
        if (stored == null) {
            return Optional.of("archive-missing");
        }
        if (stored.longValue() != manifestBytes) {
            return Optional.of("size-mismatch");
        }
        return Optional.empty();
    }
}
