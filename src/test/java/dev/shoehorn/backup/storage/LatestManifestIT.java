package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;

import software.amazon.awssdk.core.sync.RequestBody;

/** {@code latest} as the contract defines it, against a real S3 API server. */
class LatestManifestIT {

    private static final Instant T1 = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant T2 = T1.plusSeconds(86_400);
    private static TestS3 s3;
    private static ArchiveStore store;
    private Warnings warnings;
    private String target;

    @BeforeAll
    static void start() {
        s3 = TestS3.start(UnaryOperator.identity());
        store = s3.store(s3.client(), Map.of());
    }

    @AfterAll
    static void stop() {
        store.stop();
        s3.close();
    }

    @BeforeEach
    void newTargetAndListenForWarnings() {
        target = "t_" + UUID.randomUUID().toString().substring(0, 8);
        warnings = Warnings.of(ArchiveStore.class);
    }

    @AfterEach
    void stopListening() {
        warnings.close();
    }

    @Test
    void theNewestCompleteArchiveIsLatest() {
        // Given two complete archives
        archive(T1, 100);
        Manifest newest = archive(T2, 120);

        // Then the newer one is latest, and nothing was skipped
        assertThat(store.latestManifest(target)).contains(newest);
        assertThat(warnings.lines()).isEmpty();
    }

    @Test
    void anOrphanManifestNewerThanAGoodArchiveIsNeverLatest() {
        // Given a complete archive, and a newer manifest whose archive is not there
        Manifest good = archive(T1, 100);
        Manifest orphan = manifestOf(T2, 100);
        put(ArchiveKeys.manifestOf(orphan.archiveKey()), json(orphan));

        // When latest is asked for
        // Then the complete one is, and the orphan was skipped with one warning
        assertThat(store.latestManifest(target)).contains(good);
        assertThat(warnings.lines()).containsExactly("target=" + target + " stage=manifest-skipped key="
                + ArchiveKeys.manifestOf(orphan.archiveKey()) + " reason=archive-missing");
    }

    @Test
    void anArchiveOfAnotherSizeThanItsManifestSaysIsNeverLatest() {
        // Given a complete archive, and a newer one cut short: 90 bytes stored where the manifest says 120
        Manifest good = archive(T1, 100);
        Manifest cut = manifestOf(T2, 120);
        put(cut.archiveKey(), new byte[90]);
        put(ArchiveKeys.manifestOf(cut.archiveKey()), json(cut));

        // Then the complete one is latest, and the size mismatch was named
        assertThat(store.latestManifest(target)).contains(good);
        assertThat(warnings.lines()).singleElement().asString()
                .contains("reason=size-mismatch", "manifestBytes=120", "archiveBytes=90");
    }

    @Test
    void aManifestOfAnotherTargetInThisFolderIsNeverLatest() {
        // Given a complete archive, and a newer archive and manifest in this folder written for another target
        Manifest good = archive(T1, 100);
        Manifest foreign = manifestOf(T2, 100);
        foreign = new Manifest(foreign.manifestVersion(), foreign.archiveKey(), "other_target", foreign.commandId(),
                foreign.jobId(), foreign.format(), foreign.bytes(), foreign.sha256(), foreign.pgDumpVersion(),
                foreign.serverVersion(), foreign.databaseBytes(), foreign.startedAt(), foreign.completedAt(),
                foreign.rlsTables(), foreign.requestedBy(), foreign.reason());
        put(foreign.archiveKey(), new byte[100]);
        put(ArchiveKeys.manifestOf(foreign.archiveKey()), json(foreign));

        // Then it is skipped for its target
        assertThat(store.latestManifest(target)).contains(good);
        assertThat(warnings.lines()).singleElement().asString()
                .contains("reason=target-mismatch", "manifestTarget=other_target");
    }

    @Test
    void aManifestThatIsNotJsonIsSkippedAndWithoutAnyGoodOneThereIsNoLatest() {
        // Given only a manifest that cannot be read, beside an archive
        String key = store.keys().archive(target, T1);
        put(key, new byte[10]);
        put(ArchiveKeys.manifestOf(key), "{not json".getBytes());

        // Then there is no latest archive
        assertThat(store.latestManifest(target)).isEmpty();
        assertThat(warnings.lines()).singleElement().asString().contains("reason=unreadable");
    }

    /** A complete archive: object and manifest. */
    private Manifest archive(Instant at, int bytes) {
        Manifest manifest = manifestOf(at, bytes);
        put(manifest.archiveKey(), new byte[bytes]);
        store.putManifest(manifest);
        return manifest;
    }

    private Manifest manifestOf(Instant at, long bytes) {
        return new Manifest(Manifest.VERSION, store.keys().archive(target, at), target, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), "custom", bytes, "0".repeat(64), "15.19", "15.19", 4 * bytes, at,
                at.plusSeconds(30), List.of("public.documents"), "it", null);
    }

    private static byte[] json(Manifest manifest) {
        try {
            return TestS3.json().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(String key, byte[] body) {
        s3.client().putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromBytes(body));
    }
}
