package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalKafka;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;

/**
 * The broker goes away in the middle of a job for longer than the producer's delivery timeout, and
 * comes back: the job waits for it, and its events arrive complete, once each and in order (seq
 * 1, 2, 3… without a gap), with nothing logged as lost.
 */
class BrokerOutageIT {

    private static final String TARGET = "it_outage";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "bw_it_outage_" + SUFFIX;
    private static final String BUCKET = "bw-it-outage-" + SUFFIX;
    private static final String SECRET = "outage-secret-" + SUFFIX;
    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();

    private static LocalKafka kafka;
    private static LocalS3 s3;
    private static Events events;
    private static Commands commands;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.startRestartable();
        kafka.createTopics(Map.of("backup.commands", 1, "backup.progress", 1, "backup.commands.dlq", 1));
        s3 = LocalS3.start(0, null, "outage", SECRET, UnaryOperator.identity());
        s3.createBucket(BUCKET);
        DemoDatabase.ensureDemo(PG, DATABASE);
        events = new Events(kafka.bootstrapServers());
        commands = new Commands(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        events.close();
        commands.close();
        DemoDatabase.drop(PG, DATABASE);
        s3.deleteBucket(BUCKET);
        s3.close();
        kafka.close();
    }

    @Test
    void aJobOutlivesABrokerRestartAndItsEventsArriveGapFreeAndOnce() throws Exception {
        String commandId = Commands.newCommandId();
        try (WorkerJvm worker = worker("outage")) {
            try (TableLock lock = TableLock.hold(PG, DATABASE, "documents")) {
                // Given a backup held mid-way, its started event out
                commands.send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
                await().atMost(Duration.ofSeconds(60)).until(() -> events.ofCommand(commandId).stream()
                        .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backup.started")));

                // When the broker goes away, and the job goes on while it is away
                kafka.stopBroker();
            }
            Thread.sleep(8_000);
            kafka.startBroker();

            // Then the job ends as completed once the broker is back
            List<JsonNode> job = events.awaitJobEnd(commandId);
            assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");

            // And its events are all there, once each and in order
            assertThat(job).extracting(e -> e.path("data").path("seq").asLong())
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, job.size()).boxed().toList());
            assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.backup.accepted",
                    "dev.shoehorn.backup.started", "dev.shoehorn.backup.uploaded", "dev.shoehorn.backup.completed");
            assertThat(worker.output()).doesNotContain("event-lost").contains("stage=completed");
        }
    }

    private static WorkerJvm worker(String name) throws Exception {
        Map<String, String> properties = WorkerJvm.withTarget(
                WorkerJvm.settings(name, kafka.bootstrapServers(), s3, BUCKET), TARGET, PG, DATABASE);
        properties.put("backup.progress.interval", "200ms");
        // The producer gives a record up after 5 s here (12 h in production), so that an 8 s outage
        // also makes the worker send again what the producer gave up on, without loss or gap.
        properties.put("mp.messaging.outgoing.backup-progress.delivery.timeout.ms", "5000");
        properties.put("mp.messaging.outgoing.backup-progress.request.timeout.ms", "3000");
        properties.put("backup.progress.retry-initial", "500ms");
        properties.put("backup.progress.retry-max", "1s");
        return WorkerJvm.start(name, properties,
                Map.of("BACKUP_STORAGE_ACCESS_KEY_ID", "outage", "BACKUP_STORAGE_SECRET_ACCESS_KEY", SECRET));
    }
}
