package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryDumpTest {

    @TempDir
    Path dir;

    @Test
    void aFileIsOpenWhileAChildOfTheToolHoldsItAndFinishedOnceNoneDoes() throws Exception {
        // Given a tool whose child (as pg_dump's parallel workers are) writes one file and keeps it open
        Path real = dir.toRealPath();
        Path writing = real.resolve("3012.dat");
        Path done = real.resolve("3013.dat");
        Files.writeString(done, "finished");
        Process tool = new ProcessBuilder("sh", "-c", "sh -c 'exec 3>\"$0\"; echo rows >&3; sleep 30' \"$0\"",
                writing.toString()).start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> Files.exists(writing));

            // When the open files under the folder are looked up
            var open = DirectoryDump.openFiles(tool.toHandle(), real);

            // Then the one being written is open, the other is not
            assertThat(open).hasValueSatisfying(files -> assertThat(files).contains(writing).doesNotContain(done));
        } finally {
            tool.descendants().forEach(ProcessHandle::destroyForcibly);
            tool.destroyForcibly();
            tool.waitFor(5, TimeUnit.SECONDS);
        }

        // and once the tool and its child are gone, nothing is
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> DirectoryDump.openFiles(tool.toHandle(), real).map(java.util.Set::isEmpty).orElse(false));
    }
}
