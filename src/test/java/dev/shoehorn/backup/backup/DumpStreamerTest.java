package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.target.PgTools;

class DumpStreamerTest {

    private static final PgTools.Installation PG15 = new PgTools.Installation(Path.of("/usr/lib/postgresql/15/bin"), 15,
            "15.19");

    @Test
    void pgDumpsCommandLineHoldsOnlyTheGuidesFlags() {
        // Connection settings and the password travel in the environment and a pass file, never in argv
        var argv = DumpStreamer.command(PG15, Compression.parse("native"), null);

        assertThat(argv).containsExactly("/usr/lib/postgresql/15/bin/pg_dump", "--format=custom", "--no-owner",
                "--no-privileges", "--no-password");
    }

    @Test
    void whereTheWorkerCompressesPgDumpWritesUncompressed() {
        // Given zstd in the worker, When pg_dump's command line is built, Then pg_dump spends no CPU on gzip
        assertThat(DumpStreamer.command(PG15, Compression.ZSTD, null)).endsWith("--no-password", "--compress=0");
    }

    @Test
    void nativeCompressionPassesItsMethodAndLevelToPgDump() {
        assertThat(DumpStreamer.command(PG15, Compression.parse("native:9"), null)).endsWith("--compress=9");
        assertThat(DumpStreamer.command(PG15, Compression.parse("native:lz4:4"), null)).endsWith("--compress=lz4:4");
        assertThat(DumpStreamer.command(PG15, Compression.NONE, null)).endsWith("--compress=0");
    }

    @Test
    void withRowCountsPgDumpDumpsTheSnapshotTheyWereCountedIn() {
        var argv = DumpStreamer.command(PG15, Compression.ZSTD, "00000003-0000001B-1");

        assertThat(argv).endsWith("--compress=0", "--snapshot=00000003-0000001B-1");
    }
}
