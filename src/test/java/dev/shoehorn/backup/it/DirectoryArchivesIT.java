package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.cli.ExitCode;
import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.storage.ArchiveChecks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The directory format end to end: pg_dump --format=directory --jobs=2 uploaded file by file
 * (zstd, encrypted), one manifest listing every file, a parallel swap restore, the CLI's verify,
 * and an archive missing a file refused as corrupt before the target is touched.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class DirectoryArchivesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Events events;
    private static Commands commands;
    private static S3Client s3;
    private static String archiveKey;
    private static JsonNode manifest;
    private static TargetFolder folder;

    @BeforeAll
    static void dumpTheSealedTargetInTheDirectoryFormat() throws Exception {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
        DemoDatabase.drop(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        DemoDatabase.ensureEmpty(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        String commandId = Commands.newCommandId();
        folder = new TargetFolder(s3, WorkerStack.SEALED);
        archiveKey = folder.backUp(commands, events, commandId, "{\"commandId\":\"" + commandId + "\",\"target\":\""
                + WorkerStack.SEALED + "\",\"requestedBy\":\"it:tester\",\"options\":{\"format\":\"directory\",\"jobs\":2}}");
        manifest = folder.manifest(archiveKey);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        folder.empty();
        events.close();
        commands.close();
        s3.close();
    }

    @Test
    void everyFileIsStoredEncodedAndListedInTheManifestThatCommitsThem() {
        // Then the archive is a folder of pg_dump's files, each compressed and encrypted
        assertThat(archiveKey).matches(WorkerStack.PREFIX + "/" + WorkerStack.SEALED + "/" + WorkerStack.SEALED
                + "_\\d{8}_\\d{6}\\.dir");
        assertThat(manifest.path("format").asText()).isEqualTo("directory");
        Map<String, Long> stored = new HashMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(WorkerStack.BUCKET).prefix(archiveKey + "/")).contents()
                .forEach((S3Object o) -> stored.put(o.key().substring(archiveKey.length() + 1), o.size()));
        Map<String, Long> listed = new HashMap<>();
        Map<String, String> digests = new HashMap<>();
        manifest.path("files").forEach(f -> {
            listed.put(f.path("object").asText(), f.path("bytes").asLong());
            digests.put(f.path("object").asText(), f.path("sha256").asText());
            assertThat(f.path("object").asText()).isEqualTo(f.path("name").asText() + ".zst.enc");
        });
        assertThat(stored).isEqualTo(listed).containsKey("toc.dat.zst.enc");
        // (one data file per table with rows, beside the TOC)
        assertThat(listed.keySet()).filteredOn(k -> k.matches("\\d+\\.dat\\.zst\\.enc")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(manifest.path("bytes").asLong()).isEqualTo(listed.values().stream().mapToLong(Long::longValue).sum());
        assertThat(manifest.path("sha256").asText()).isEqualTo(ArchiveChecks.filesDigest(digests));
    }

    @Test
    void aDirectoryArchiveRestoresInParallelIntoAnEqualDatabaseAndVerifiesWithTheCli() throws Exception {
        // When it is restored in swap mode (restore-jobs 2) into an empty target
        List<JsonNode> job = restore(archiveKey);

        // Then the target equals the source
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.restore.completed");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB))
                .isEqualTo(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.SOURCE_DB));
        DemoDatabase.drop(WorkerStack.postgres(), job.get(job.size() - 1).path("data").path("keptDatabase").asText());
        // and the CLI, holding the keyset, checks every file and reads the TOC
        Map<String, String> settings = new HashMap<>(CliRun.settings(WorkerStack.bootstrapServers(),
                WorkerStack.s3().endpoint(), WorkerStack.BUCKET, WorkerStack.PREFIX, WorkerStack.ACCESS_KEY,
                WorkerStack.S3_SECRET));
        settings.put("backup.encryption.keyset", WorkerStack.KEYSET);
        CliRun verified = CliRun.of(settings, "--json", "verify", archiveKey);
        assertThat(verified.exit()).as(verified.toString()).isEqualTo(ExitCode.OK);
        assertThat(verified.json().get(0).path("tocEntries").asInt()).isGreaterThan(10);
    }

    @Test
    void fetchGivesABackupByHandWhatPgRestoreNeeds(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // Given the archive fetched by the CLI (checked, decrypted, decompressed) into a folder
        Map<String, String> settings = new HashMap<>(CliRun.settings(WorkerStack.bootstrapServers(),
                WorkerStack.s3().endpoint(), WorkerStack.BUCKET, WorkerStack.PREFIX, WorkerStack.ACCESS_KEY,
                WorkerStack.S3_SECRET));
        settings.put("backup.encryption.keyset", WorkerStack.KEYSET);
        java.nio.file.Path folder = dir.resolve("archive");
        CliRun fetched = CliRun.of(settings, "fetch", archiveKey, folder.toString());
        assertThat(fetched.exit()).as(fetched.toString()).isEqualTo(ExitCode.OK);
        String scratch = WorkerStack.RESTORE_DB + "_byhand";
        DemoDatabase.drop(WorkerStack.postgres(), scratch);
        DemoDatabase.ensureEmpty(WorkerStack.postgres(), scratch);
        try {
            // When it is restored by hand, as docs/restore.md shows
            Process p = new ProcessBuilder("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--jobs=2",
                    "--host=" + WorkerStack.postgres().host(), "--port=" + WorkerStack.postgres().port(),
                    "--username=" + WorkerStack.postgres().user(), "--dbname=" + scratch, folder.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            // Then it holds exactly the source's tables and rows
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), scratch))
                    .isEqualTo(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.SOURCE_DB));
        } finally {
            DemoDatabase.drop(WorkerStack.postgres(), scratch);
        }
    }

    @Test
    void aDirectoryArchiveMissingAFileIsRefusedAsCorruptBeforeTheTargetIsTouched() throws Exception {
        // Given a copy of the archive without one of its data files
        String copy = archiveKey.replaceFirst("_\\d{8}_\\d{6}\\.dir$", "_20000101_000021.dir");
        String dropped = null;
        for (JsonNode file : manifest.path("files")) {
            String object = file.path("object").asText();
            if (dropped == null && object.matches("\\d+\\.dat\\.zst\\.enc")) {
                dropped = object;
                continue;
            }
            s3.copyObject(b -> b.sourceBucket(WorkerStack.BUCKET).sourceKey(archiveKey + "/" + object)
                    .destinationBucket(WorkerStack.BUCKET).destinationKey(copy + "/" + object));
        }
        com.fasterxml.jackson.databind.node.ObjectNode edited = manifest.deepCopy();
        edited.put("archiveKey", copy);
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(copy + ".manifest.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(JSON.writeValueAsBytes(edited)));
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);

        // When it is restored
        List<JsonNode> job = restore(copy);

        // Then the job fails as corrupt naming the gap, and the target is as it was
        JsonNode failed = job.get(job.size() - 1);
        assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.restore.failed");
        assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo("ARCHIVE_CORRUPT");
        assertThat(failed.path("data").path("error").path("message").asText()).contains("file-missing");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
    }

    private static List<JsonNode> restore(String archive) {
        String commandId = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(commandId, WorkerStack.RESTORE,
                WorkerStack.SEALED, archive, null, false, "swap"));
        return events.awaitJobEnd(commandId);
    }
}
