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

    /**
     * What a manifest says of its archive, as the checks need it.
     *
     * @param files a directory archive's objects (name in its folder to size), or null for one object
     */
    public record ManifestFacts(String target, String archiveKey, long bytes, Map<String, Long> files) {

        /** Of a manifest read as a JSON tree (by readers without the worker's Manifest record). */
        public static ManifestFacts of(JsonNode manifest) {
            Map<String, Long> files = null;
            JsonNode listed = manifest.path("files");
            if (listed.isArray()) {
                files = new java.util.LinkedHashMap<>();
                for (JsonNode file : listed) {
                    files.put(file.path("object").asText(""), file.path("bytes").asLong(-1));
                }
            }
            return new ManifestFacts(manifest.path("target").asText(null), manifest.path("archiveKey").asText(null),
                    manifest.path("bytes").asLong(-1), files);
        }
    }

    /**
     * The archives a folder's listing names (an archive, a directory archive's files, or a manifest
     * alone), newest first by their UTC stamps.
     */
    public static List<String> archivesNewestFirst(Collection<String> folderKeys) {
        return folderKeys.stream()
                .map(ArchiveKeys::archiveOf)
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
        return problem(target, manifestKey, manifest.get(), sizes);
    }

    /** The objects of the folder's listing that make up the archive at {@code archiveKey}: itself, or a directory's files. */
    public static List<String> objectsOf(String archiveKey, Collection<String> folderKeys) {
        String files = archiveKey + "/";
        return folderKeys.stream().filter(k -> k.equals(archiveKey) || ArchiveKeys.isDirectory(archiveKey)
                && k.startsWith(files)).sorted().toList();
    }

    /** The archive a manifest key sits beside. */
    public static String archiveKeyOf(String manifestKey) {
        return manifestKey.substring(0, manifestKey.length() - ArchiveKeys.MANIFEST_SUFFIX.length());
    }

    /**
     * Why the manifest at {@code manifestKey}, in the folder of {@code target}, does not describe a
     * complete archive ({@code target-mismatch}, {@code archive-key-mismatch}, {@code archive-missing},
     * {@code size-mismatch}; for a directory archive also {@code file-missing}), or empty when it does.
     *
     * @param sizes sizes of the folder's objects by key, as listed
     */
    public static Optional<String> problem(String target, String manifestKey, ManifestFacts manifest,
            Map<String, Long> sizes) {
        String archiveKey = archiveKeyOf(manifestKey);
        if (!target.equals(manifest.target())) {
            return Optional.of("target-mismatch");
        }
        if (!archiveKey.equals(manifest.archiveKey())) {
            return Optional.of("archive-key-mismatch");
        }
        if (ArchiveKeys.isDirectory(archiveKey) || manifest.files() != null) {
            return directoryProblem(archiveKey, manifest, sizes);
        }
        long manifestBytes = manifest.bytes();
        Long stored = sizes.get(archiveKey);
        if (stored == null) {
            return Optional.of("archive-missing");
        }
        if (stored.longValue() != manifestBytes) {
            return Optional.of("size-mismatch");
        }
        return Optional.empty();
    }

    /** Every file the manifest lists is there with its size; none listed is not a directory archive's manifest. */
    private static Optional<String> directoryProblem(String archiveKey, ManifestFacts manifest, Map<String, Long> sizes) {
        if (manifest.files() == null || manifest.files().isEmpty() || !ArchiveKeys.isDirectory(archiveKey)) {
            return Optional.of("archive-key-mismatch");
        }
        boolean any = false;
        boolean missing = false;
        for (Map.Entry<String, Long> file : manifest.files().entrySet()) {
            Long stored = sizes.get(archiveKey + "/" + file.getKey());
            if (stored == null) {
                missing = true;
            } else if (stored.longValue() != file.getValue()) {
                return Optional.of("size-mismatch");
            } else {
                any = true;
            }
        }
        return missing ? Optional.of(any ? "file-missing" : "archive-missing") : Optional.empty();
    }

    /**
     * The SHA-256 a directory archive's manifest records: of its files' list, one line
     * {@code <sha256>  <object>} per file in object-name order, as {@code sha256sum} prints it.
     *
     * @param sha256ByObject each file's object name (in the archive's folder) and SHA-256
     */
    public static String filesDigest(Map<String, String> sha256ByObject) {
        java.security.MessageDigest digest = Sha256.digest();
        new java.util.TreeMap<>(sha256ByObject).forEach((object, sha256) -> digest.update(
                (sha256 + "  " + object + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return Sha256.hex(digest);
    }
}
