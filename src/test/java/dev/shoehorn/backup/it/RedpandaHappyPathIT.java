package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.redpanda.RedpandaContainer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;

/** The happy path on Redpanda instead of Apache Kafka: the worker only speaks the Kafka protocol. */
@ExtendWith(DockerAvailable.class)
class RedpandaHappyPathIT {

    private static final String TARGET = "it_redpanda";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "bw_it_redpanda_" + SUFFIX;
    private static final String BUCKET = "bw-it-redpanda-" + SUFFIX;
    private static final String SECRET = "redpanda-secret-" + SUFFIX;
    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();

    private static RedpandaContainer redpanda;
    private static LocalS3 s3;

    @BeforeAll
    static void start() throws Exception {
        redpanda = new RedpandaContainer("redpandadata/redpanda:v24.2.18");
        redpanda.start();
        s3 = LocalS3.start(0, null, "redpanda", SECRET, UnaryOperator.identity());
        s3.createBucket(BUCKET);
        DemoDatabase.ensureDemo(PG, DATABASE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (redpanda == null) {
            return;
        }
        DemoDatabase.drop(PG, DATABASE);
        s3.deleteBucket(BUCKET);
        s3.close();
        redpanda.stop();
    }

    @Test
    void aBackupCommandOnRedpandaBecomesACompletedArchive() throws Exception {
        String bootstrap = redpanda.getBootstrapServers().replace("PLAINTEXT://", "");
        String commandId = Commands.newCommandId();
        try (Events events = new Events(bootstrap); Commands commands = new Commands(bootstrap);
                WorkerJvm worker = WorkerJvm.start("redpanda",
                        WorkerJvm.withTarget(WorkerJvm.settings("redpanda", bootstrap, s3, BUCKET), TARGET, PG, DATABASE),
                        Map.of("BACKUP_STORAGE_ACCESS_KEY_ID", "redpanda", "BACKUP_STORAGE_SECRET_ACCESS_KEY", SECRET))) {
            // When a backup command is published to Redpanda
            commands.send("backup.commands", TARGET, Commands.backup(commandId, TARGET));

            // Then the worker completes it and the archive exists with its manifest
            List<JsonNode> job = events.awaitJobEnd(commandId);
            assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.backup.accepted",
                    "dev.shoehorn.backup.started", "dev.shoehorn.backup.uploaded", "dev.shoehorn.backup.completed");
            String key = job.get(job.size() - 1).path("data").path("archive").path("key").asText();
            assertThat(s3.blobStore().blobExists(BUCKET, key + ".manifest.json")).isTrue();
        }
    }
}
