package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A job that throws past every step's catch (a bug, an Error) still ends in one place: its failed
 * event is emitted and its command acknowledged, so the partition's committed offset moves on.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(JobCrashProfile.class)
class JobCrashIT {

    private static Events events;
    private static Commands commands;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        commands.close();
    }

    @Test
    void aJobThatThrowsEndsWithItsFailedEventAndItsCommandIsCommitted() throws Exception {
        // Given a worker whose jobs throw an error that no step catches
        String first = Commands.newCommandId();
        String second = Commands.newCommandId();

        // When two commands of one target are delivered
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(first, WorkerStack.SOURCE));
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(second, WorkerStack.SOURCE));

        // Then each ends with a failed event saying the job crashed
        for (String commandId : List.of(first, second)) {
            List<JsonNode> job = events.awaitJobEnd(commandId);
            JsonNode failed = job.get(job.size() - 1);
            assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.backup.failed");
            assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo("INTERNAL");
        }

        // And the group's committed offset has moved past both: nothing stalls the partition
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                WorkerStack.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition("backup.commands", 0);
            long end = admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(partition).get(30, TimeUnit.SECONDS).offset();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("backup-worker")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(partition);
                return committed != null && committed.offset() == end;
            });
        }
    }
}
