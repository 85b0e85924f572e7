package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.target.PgTools;

class DumpStreamerTest {

    @Test
    void pgDumpsCommandLineHoldsOnlyTheGuidesFlags() {
        // Connection settings and the password travel in the environment and a pass file, never in argv
        var argv = DumpStreamer.command(new PgTools.Installation(Path.of("/usr/lib/postgresql/15/bin"), 15, "15.19"),
                null);

        assertThat(argv).containsExactly("/usr/lib/postgresql/15/bin/pg_dump", "--format=custom", "--no-owner",
                "--no-privileges", "--no-password");
    }

    @Test
    void withRowCountsPgDumpDumpsTheSnapshotTheyWereCountedIn() {
        var argv = DumpStreamer.command(new PgTools.Installation(Path.of("/usr/lib/postgresql/15/bin"), 15, "15.19"),
                "00000003-0000001B-1");

        assertThat(argv).endsWith("--no-password", "--snapshot=00000003-0000001B-1");
    }
}
