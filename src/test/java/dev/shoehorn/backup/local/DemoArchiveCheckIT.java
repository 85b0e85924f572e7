package dev.shoehorn.backup.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.luben.zstd.ZstdOutputStream;

/**
 * The demo's own check of the archive it downloads (./backup-worker demo, the README's round
 * trip): the worker stores zstd-compressed archives, which pg_restore cannot read as they are.
 */
class DemoArchiveCheckIT {

    @TempDir
    Path dir;

    @Test
    void aZstdArchiveOfTheWorkersIsReadBackForPgRestoreToList() throws Exception {
        // Given what the worker stores by default of the demo database: pg_dump's uncompressed custom
        // archive, zstd-compressed
        LocalPostgres pg = LocalPostgres.fromEnvironment();
        String database = "bw_demo_check";
        DemoDatabase.drop(pg, database);
        DemoDatabase.ensureDemo(pg, database);
        Path stored = dir.resolve("demo.dump.zst");
        try {
            Process pgDump = new ProcessBuilder("pg_dump", "--format=custom", "--compress=0", "--no-password",
                    "--host=" + pg.host(), "--port=" + pg.port(), "--username=" + pg.user(), database).start();
            try (InputStream dump = pgDump.getInputStream();
                    OutputStream zst = new ZstdOutputStream(Files.newOutputStream(stored))) {
                dump.transferTo(zst);
            }
            assertThat(pgDump.waitFor()).isZero();
        } finally {
            DemoDatabase.drop(pg, database);
        }

        // When the demo readies it for pg_restore and lists it
        Path archive = DemoRun.pgDumpBytes("backups/demo/demo_20261205_000000.dump.zst", stored);
        int entries = DemoRun.countTocEntries(archive);

        // Then pg_restore reads its table of contents: the demo's tables and their data
        assertThat(entries).isGreaterThan(10);
    }

    @Test
    void anEncryptedArchiveIsNamedAsOneTheDemoCannotRead() {
        // Given an encrypted archive's key (the demo's worker has no keyset, so it never makes one)
        // When the demo is asked to read it, Then it says so instead of handing pg_restore ciphertext
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> DemoRun.pgDumpBytes("backups/demo/demo_20261205_000000.dump.zst.enc", dir.resolve("x")))
                .hasMessageContaining("not an archive the demo can read back");
    }
}
