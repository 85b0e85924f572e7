package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.local.DemoDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Encrypted archives end to end: zstd then streaming AEAD on the way to storage, the key id in the
 * manifest, a parallel swap restore from the decrypted stream, and DECRYPT_FAILED, with the target
 * as it was, for a key the worker does not hold and for an archive moved to another name.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class EncryptedArchivesIT {

    private static Events events;
    private static Commands commands;
    private static S3Client s3;
    private static String archiveKey;
    private static JsonNode manifest;
    private static TargetFolder folder;
    private static ArchiveCopies copies;

    @BeforeAll
    static void backUpTheSealedTarget() throws Exception {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
        DemoDatabase.drop(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        DemoDatabase.ensureEmpty(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        String commandId = Commands.newCommandId();
        folder = new TargetFolder(s3, WorkerStack.SEALED);
        archiveKey = folder.backUp(commands, events, commandId, Commands.backup(commandId, WorkerStack.SEALED));
        manifest = folder.manifest(archiveKey);
        copies = new ArchiveCopies(s3, archiveKey);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        folder.empty();
        events.close();
        commands.close();
        s3.close();
    }

    @Test
    void anEncryptedArchiveNamesItsKeyShowsNothingAndRestoresInParallelIntoAnEqualDatabase() throws Exception {
        // Given the sealed target's archive: zstd, then encrypted with the keyset's primary key
        assertThat(archiveKey).endsWith(".dump.zst.enc");
        assertThat(manifest.path("encryption").path("keyId").asText())
                .isEqualTo(Keyring.parse(WorkerStack.KEYSET).primary().keyId());
        assertThat(manifest.path("encryption").path("scheme").asText()).isEqualTo("tink-streaming-aead/AES256_GCM_HKDF_1MB");
        assertThat(manifest.toString()).doesNotContain(WorkerStack.KEYSET.substring(WorkerStack.KEYSET.indexOf("\"value\"")));
        byte[] stored = copies.bytes();
        String asText = new String(stored, StandardCharsets.ISO_8859_1);
        assertThat(asText).doesNotContain("PostgreSQL", "documents", "tenants");

        // When it is restored in swap mode into a target that restores with two jobs
        String commandId = Commands.newCommandId();
        List<JsonNode> job = restore(commandId, archiveKey, "swap");

        // Then it completes, and the target holds exactly the source's tables and rows
        assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.restore.started",
                "dev.shoehorn.restore.verified", "dev.shoehorn.restore.applied", "dev.shoehorn.restore.completed");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB))
                .isEqualTo(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.SOURCE_DB));
        // (the database the swap displaced, kept for a rollback, is this test's to remove)
        DemoDatabase.drop(WorkerStack.postgres(), job.get(job.size() - 1).path("data").path("keptDatabase").asText());
    }

    @Test
    void anArchiveOfAKeyTheWorkerDoesNotHoldFailsBeforeTouchingTheTarget() throws Exception {
        // Given an archive whose manifest names a key that is not in the worker's keyset
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        String foreign = copies.copy(copies.bytes(), "20000101_000011",
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.path("encryption")).put("keyId", "7"));

        // When it is restored
        List<JsonNode> job = restore(Commands.newCommandId(), foreign, null);

        // Then the job fails with DECRYPT_FAILED naming the key, pg_restore never ran, the target is as it was
        JsonNode failed = Events.assertRestoreFailed(job, "DECRYPT_FAILED");
        assertThat(failed.path("data").path("error").path("message").asText()).contains("key 7")
                .doesNotContain(WorkerStack.KEYSET.substring(WorkerStack.KEYSET.indexOf("\"value\"")));
        assertThat(failed.path("data").path("targetChanged").asBoolean()).isFalse();
        assertThat(Events.types(job)).doesNotContain("dev.shoehorn.restore.started", "dev.shoehorn.restore.applied");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
    }

    @Test
    void anEncryptedArchiveMovedToAnotherNameFailsToDecryptAndLeavesTheTargetAsItWas() throws Exception {
        // Given the archive's exact bytes under another name (its manifest's size and hash still match)
        Map<String, String> before = DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB);
        String moved = copies.copy(copies.bytes(), "20000101_000012");

        // When it is restored over the target in one transaction
        List<JsonNode> job = restore(Commands.newCommandId(), moved, "single-transaction");

        // Then decryption refuses it (the name is bound into the encryption), and nothing changed
        JsonNode failed = Events.assertRestoreFailed(job, "DECRYPT_FAILED");
        assertThat(failed.path("data").path("targetChanged").asBoolean()).isFalse();
        assertThat(Events.types(job)).doesNotContain("dev.shoehorn.restore.verified", "dev.shoehorn.restore.applied");
        assertThat(DatabaseFingerprint.of(WorkerStack.postgres(), WorkerStack.RESTORE_DB)).isEqualTo(before);
    }

    private static List<JsonNode> restore(String commandId, String archive, String mode) {
        commands.send("restore.commands", WorkerStack.RESTORE, Commands.restore(commandId, WorkerStack.RESTORE,
                WorkerStack.SEALED, archive, null, false, mode));
        return events.awaitJobEnd(commandId);
    }

}
