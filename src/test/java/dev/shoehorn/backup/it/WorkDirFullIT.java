package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fault "the disk holding the working directory fills up", for the directory format: a
 * worker process whose dump folder is an 8 MiB file system (tmpfs, mounted by the test) backs up
 * a database whose two tables each need more. The job fails saying why, leaves nothing that looks
 * like an archive and nothing on that disk, and the worker goes on with the next command.
 */
class WorkDirFullIT {

    private static final String TARGET = "big";

    @TempDir
    Path dir;

    @Test
    void aDirectoryDumpWhoseDiskFillsUpFailsCleanlyAndTheWorkerGoesOn() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", small.toString());
        try (ProcessStack stack = ProcessStack.start("diskfull", Map.of(TARGET, false))) {
            // Given a database of two tables of about 18 MB of dump each, and a worker whose
            // directory dumps go to the 8 MiB disk (less than the 16 MiB a file is read before its
            // head is given back), one attempt per job
            try (Connection c = ProcessStack.PG.connect(stack.database(TARGET)); Statement st = c.createStatement()) {
                for (String table : List.of("wide_a", "wide_b")) {
                    st.execute("CREATE TABLE " + table + " AS SELECT i, md5(i::text) || md5((i * 7)::text) AS v"
                            + " FROM generate_series(1, 250000) i");
                }
            }
            Map<String, String> settings = stack.workerSettings("diskfull");
            settings.put("backup.targets." + TARGET + ".row-counts", "false");
            settings.put("backup.dump.work-dir", small.toString());
            settings.put("backup.jobs.max-attempts", "1");
            try (WorkerJvm worker = stack.worker("diskfull", settings)) {
                // When it is backed up in the directory format with two jobs
                String commandId = Commands.newCommandId();
                stack.commands().send("backup.commands", TARGET, "{\"commandId\":\"" + commandId + "\",\"target\":\""
                        + TARGET + "\",\"requestedBy\":\"it:tester\",\"options\":{\"format\":\"directory\",\"jobs\":2}}");
                List<JsonNode> job = stack.events().awaitJobEnd(commandId);

                // Then the job fails naming the full disk
                JsonNode failed = job.get(job.size() - 1);
                assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.backup.failed");
                assertThat(failed.path("data").path("error").path("message").asText()).contains("No space left on device");
                // and nothing of it is left: no manifest, no object of a directory archive, no file on the disk
                assertThat(stack.objectKeys()).noneMatch(key -> key.contains("/" + TARGET + "/" + TARGET + "_"));
                try (var left = Files.list(small)) {
                    assertThat(left).isEmpty();
                }

                // And the worker goes on: the same target streamed in the custom format (no local disk) completes
                String next = Commands.newCommandId();
                stack.commands().send("backup.commands", TARGET, Commands.backup(next, TARGET));
                assertThat(Events.types(stack.events().awaitJobEnd(next))).last().isEqualTo("dev.shoehorn.backup.completed");
            }
        } finally {
            run("umount", small.toString());
        }
    }

    /** Mounting needs root, as CI has; anywhere else this test says so rather than pass. */
    private static void run(String... argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (this test mounts an 8 MiB tmpfs and"
                    + " needs root): " + out);
        }
    }
}
