package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ArchiveChecksTest {

    private static final String DIR = "backups/shoehorn/shoehorn_20261205_020000.dir";
    private static final String DUMP = "backups/shoehorn/shoehorn_20261204_020000.dump.zst.enc";

    /** A folder holding a directory archive of two files, an older custom archive, and their manifests. */
    private static Map<String, Long> folder() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put(DIR + "/toc.dat.zst", 100L);
        sizes.put(DIR + "/3012.dat.zst", 5000L);
        sizes.put(ArchiveKeys.manifestOf(DIR), 900L);
        sizes.put(DUMP, 7000L);
        sizes.put(ArchiveKeys.manifestOf(DUMP), 800L);
        return sizes;
    }

    private static ArchiveChecks.ManifestFacts directory(long tocBytes) {
        Map<String, Long> files = new LinkedHashMap<>();
        files.put("toc.dat.zst", tocBytes);
        files.put("3012.dat.zst", 5000L);
        return new ArchiveChecks.ManifestFacts("shoehorn", DIR, tocBytes + 5000, files);
    }

    @Test
    void aDirectoryArchiveIsOneArchiveOfTheListingAndItsFilesAreItsObjects() {
        assertThat(ArchiveChecks.archivesNewestFirst(folder().keySet())).containsExactly(DIR, DUMP);
        assertThat(ArchiveChecks.objectsOf(DIR, folder().keySet())).containsExactly(DIR + "/3012.dat.zst",
                DIR + "/toc.dat.zst");
        assertThat(ArchiveChecks.objectsOf(DUMP, folder().keySet())).containsExactly(DUMP);
        assertThat(ArchiveKeys.stampOf(DIR)).isPresent();
    }

    @Test
    void aDirectoryArchiveIsCompleteOnlyWithEveryListedFileAtItsSize() {
        Map<String, Long> sizes = folder();
        assertThat(ArchiveChecks.archiveProblem("shoehorn", DIR, sizes, Optional.of(directory(100)))).isEmpty();
        assertThat(ArchiveChecks.archiveProblem("shoehorn", DIR, sizes, Optional.of(directory(101))))
                .contains("size-mismatch");
        sizes.remove(DIR + "/3012.dat.zst");
        assertThat(ArchiveChecks.archiveProblem("shoehorn", DIR, sizes, Optional.of(directory(100))))
                .contains("file-missing");
        sizes.remove(DIR + "/toc.dat.zst");
        assertThat(ArchiveChecks.archiveProblem("shoehorn", DIR, sizes, Optional.of(directory(100))))
                .contains("archive-missing");
    }

    @Test
    void aManifestWithoutFilesCannotMakeADirectoryComplete() {
        ArchiveChecks.ManifestFacts noFiles = new ArchiveChecks.ManifestFacts("shoehorn", DIR, 5100, null);

        assertThat(ArchiveChecks.archiveProblem("shoehorn", DIR, folder(), Optional.of(noFiles)))
                .contains("archive-key-mismatch");
    }

    @Test
    void theFilesOfAManifestReadAsJsonAreThoseOfTheRecord() throws Exception {
        Manifest manifest = new Manifest(Manifest.VERSION, DIR, "shoehorn", "c", "j", "directory", 5100, "s", "15.2",
                "15.2", 1, java.time.Instant.EPOCH, java.time.Instant.EPOCH, List.of(), "x", null, null,
                dev.shoehorn.backup.codec.Compression.ZSTD, null,
                List.of(new ArchiveFile("toc.dat", "toc.dat.zst", 100, "a"), new ArchiveFile("3012.dat", "3012.dat.zst",
                        5000, "b")), 20_000L);
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();

        assertThat(ArchiveChecks.ManifestFacts.of(json.readTree(json.writeValueAsBytes(manifest))))
                .isEqualTo(manifest.facts()).isEqualTo(directory(100));
    }

    @Test
    void theFilesDigestIsSha256sumOfTheFilesInNameOrder() {
        // printf '%s  %s\n' b 3012.dat.zst a toc.dat.zst | sha256sum
        assertThat(ArchiveChecks.filesDigest(Map.of("toc.dat.zst", "a", "3012.dat.zst", "b")))
                .isEqualTo("94f0fae7e79f5765a2b9a806efef99d061a4b5740230712c66a65de00916351c");
    }
}
