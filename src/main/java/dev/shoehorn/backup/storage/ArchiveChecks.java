package dev.shoehorn.backup.storage;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * When an archive counts as complete: its manifest names it, names the folder's target, and the
 * archive exists with the manifest's size. One rule for the worker's {@code latest} and for the CLI's
 * {@code list}, {@code verify}, {@code status} and {@code prune}; it needs nothing but the JDK and
 * Jackson's tree, so both compile it.
 */
public final class ArchiveChecks {

    private ArchiveChecks() {
    }

    /** What a manifest says of its archive, as the checks need it. */
    public record ManifestFacts(String target, String archiveKey, long bytes) {

        /** Of a manifest read as a JSON tree (by readers without the worker's Manifest record). */
        public static ManifestFacts of(JsonNode manifest) {
            return new ManifestFacts(manifest.path("target").asText(null), manifest.path("archiveKey").asText(null),
                    manifest.path("bytes").asLong(-1));
        }
    }

    /** The archives a folder's listing names (an archive, or its manifest alone), newest first by their UTC stamps. */
    public static List<String> archivesNewestFirst(Collection<String> folderKeys) {
        return folderKeys.stream()
                .map(k -> k.endsWith(ArchiveKeys.MANIFEST_SUFFIX) ? archiveKeyOf(k) : k)
                .distinct()
                .sorted(Comparator.reverseOrder())
                .toList();
    }

    /**
     * Why the archive at {@code archiveKey} in the folder of {@code target} is incomplete, or empty when
     * it is complete: {@code no-manifest} when the listing has no manifest beside it,
     * {@code manifest-unreadable} when one is there but {@code manifest} is empty, else {@link #problem}.
     */
    public static Optional<String> archiveProblem(String target, String archiveKey, Map<String, Long> sizes,
            Optional<ManifestFacts> manifest) {
        String manifestKey = ArchiveKeys.manifestOf(archiveKey);
        if (!sizes.containsKey(manifestKey)) {
            return Optional.of("no-manifest");
        }
        if (manifest.isEmpty()) {
            return Optional.of("manifest-unreadable");
        }
        ManifestFacts facts = manifest.get();
        return problem(target, manifestKey, facts.target(), facts.archiveKey(), facts.bytes(), sizes);
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
