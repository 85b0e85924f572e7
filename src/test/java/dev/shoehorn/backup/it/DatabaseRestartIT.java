package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalPostgres;

/**
 * The fault "the target's server restarts mid-dump", on a PostgreSQL server of the test's own (the
 * machine's serves every other test). pg_dump is held at its start by a table lock, so that the
 * restart meets it running, not by chance: its attempt fails, the job tries again once the server
 * is back, and the command ends with one archive, which restores to what was dumped.
 */
class DatabaseRestartIT {

    private static final String TARGET = "restarted";
    private static final String COPY = "restarted_copy";
    private static final String DATABASE = "shop";
    private static final String COPY_DATABASE = "shop_copy";

    @Test
    void aBackupWhoseServerRestartsMidDumpIsRetriedAndCompletesWithOneArchive() throws Exception {
        try (PrivatePostgres server = PrivatePostgres.start();
                ProcessStack stack = ProcessStack.start("dbrestart", Map.of())) {
            // Given the demo database on a server of its own, an empty database beside it to restore
            // into, and a worker that tries a failed attempt again after half a second (not 5 s)
            LocalPostgres pg = server.client();
            DemoDatabase.ensureDemo(pg, DATABASE);
            DemoDatabase.ensureEmpty(pg, COPY_DATABASE);
            Map<String, String> settings = stack.workerSettings("dbrestart");
            WorkerJvm.withTarget(settings, TARGET, pg, DATABASE);
            WorkerJvm.withTarget(settings, COPY, pg, COPY_DATABASE);
            settings.put("backup.targets." + COPY + ".restorable", "true");
            settings.put("backup.targets." + COPY + ".allowed-sources", TARGET);
            settings.put("backup.jobs.backoff-initial", "500ms");
            try (WorkerJvm worker = stack.worker("dbrestart", settings)) {
                String commandId = Commands.newCommandId();
                Instant restarted;
                try (TableLock lock = TableLock.hold(pg, DATABASE, "documents")) {
                    // When the server restarts while pg_dump, its upload open, waits for that lock
                    stack.commands().send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
                    await().atMost(Duration.ofSeconds(60)).until(() -> pgDumpWaitsForALock(pg));
                    server.restart();
                    restarted = Instant.now();
                }

                // Then the attempt pg_dump was in fails on its lost connection, and a later one, on the
                // lock taken again (the restart ended the lock's session too), completes
                List<JsonNode> job = stack.events().awaitJobEnd(commandId);
                JsonNode completed = job.get(job.size() - 1);
                assertThat(completed.path("type").asText()).isEqualTo("dev.shoehorn.backup.completed");
                int attempt = completed.path("data").path("attempt").asInt();
                assertThat(attempt).isGreaterThan(1);
                assertThat(attemptsStarted(job)).startsWith(1).endsWith(attempt);
                assertThat(worker.output()).contains("stage=retrying attempt=1 code=PG_DUMP_FAILED")
                        .contains("stage=lock-regained");
                System.out.printf("DatabaseRestartIT: completed %d ms after the restart%n",
                        Duration.between(restarted, Instant.parse(completed.path("time").asText())).toMillis());
                // one archive and its manifest, and the failed attempt's upload aborted
                assertThat(stack.manifestsOf(commandId)).hasSize(1);
                assertThat(stack.objectKeys()).filteredOn(key -> key.contains("/" + TARGET + "/" + TARGET + "_"))
                        .hasSize(2);
                assertThat(stack.s3().blobStore().listMultipartUploads(stack.bucket())).isEmpty();

                // And the archive restores to what was dumped
                String restore = Commands.newCommandId();
                stack.commands().send("restore.commands", COPY, Commands.restore(restore, COPY, TARGET, "latest", null));
                assertThat(Events.types(stack.events().awaitJobEnd(restore))).last()
                        .isEqualTo("dev.shoehorn.restore.completed");
                assertThat(DatabaseFingerprint.of(pg, COPY_DATABASE)).isEqualTo(DatabaseFingerprint.of(pg, DATABASE));
            }
        }
    }

    private static boolean pgDumpWaitsForALock(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect("postgres");
                PreparedStatement st = c.prepareStatement("select count(*) from pg_stat_activity"
                        + " where application_name like 'backup-worker/pg_dump/%' and wait_event_type = 'Lock'");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** The attempt of each started event, in order: one per attempt at the dump. */
    private static List<Integer> attemptsStarted(List<JsonNode> job) {
        return job.stream().filter(e -> e.path("type").asText().equals("dev.shoehorn.backup.started"))
                .map(e -> e.path("data").path("attempt").asInt()).toList();
    }
}
