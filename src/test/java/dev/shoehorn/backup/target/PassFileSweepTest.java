package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassFileSweepTest {

    @TempDir
    Path tmp;

    private Process worker;

    @AfterEach
    void stopTheOtherWorker() throws Exception {
        if (worker != null) {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLiveWorkersPassFileIsKept() throws Exception {
        // Given another worker on the host, in the middle of a job
        Path passFile = anotherWorkersPassFile();

        // When this worker starts
        int removed = PassFileDirectory.sweep(tmp);

        // Then the other's pass file stays
        assertThat(removed).isZero();
        assertThat(passFile).exists();
    }

    @Test
    void aKilledWorkersPassFileIsRemoved() throws Exception {
        // Given another worker killed with SIGKILL in the middle of a job
        Path passFile = anotherWorkersPassFile();
        worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(passFile).exists();

        // When this worker starts
        int removed = PassFileDirectory.sweep(tmp);

        // Then the pass file and its directory are gone
        assertThat(removed).isOne();
        assertThat(passFile).doesNotExist();
        assertThat(passFile.getParent()).doesNotExist();
    }

    @Test
    void anEarlierVersionsDirectoryIsRemovedOnlyIfOlderThanThisProcess() throws Exception {
        // Given directories in the layout of earlier versions, one left before this process started, one just made
        Path old = oldLayout("bw-pg-1234567890", Instant.now().minus(Duration.ofDays(1)));
        Path recent = oldLayout("bw-pg-987654321", Instant.now());

        // When this worker starts
        PassFileDirectory.sweep(tmp);

        // Then only the old one is gone
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void aReusedPidDoesNotKeepADeadWorkersDirectoryAndAnotherNamespacesDirectoryIsLeftAlone() throws Exception {
        // Given a directory named after this PID with another start time, and one from another PID namespace
        String namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "");
        Path reused = Files.createDirectory(tmp.resolve("bw-pg-" + namespace + "-" + ProcessHandle.current().pid()
                + "-1000-42"));
        Path foreign = Files.createDirectory(tmp.resolve("bw-pg-1-" + Integer.MAX_VALUE + "-1000-42"));

        // When this worker starts
        PassFileDirectory.sweep(tmp);

        // Then the first is gone: its worker was not this process; the other's PIDs cannot be judged from here
        assertThat(reused).doesNotExist();
        assertThat(foreign).exists();
    }

    /** Starts a second worker process, sharing this test's temp directory, in the middle of a job. */
    private Path anotherWorkersPassFile() throws Exception {
        worker = ChildJvm.start(PassFileHolder.class, Map.of(), List.of("-Djava.io.tmpdir=" + tmp));
        var out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        Path passFile = Path.of(out.readLine());
        assertThat(Files.readString(passFile)).contains("holder-password");
        return passFile;
    }

    private Path oldLayout(String name, Instant modified) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.writeString(dir.resolve("pgpass"), "h:5432:*:u:secret\n");
        Files.setLastModifiedTime(dir, FileTime.from(modified));
        return dir;
    }
}
