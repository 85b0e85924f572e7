package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Workers that die under a running backup. The backup is held mid-way by a table lock that
 * pg_dump waits for; the worker is then stopped (SIGTERM) or killed (SIGKILL), and a second
 * worker of the same consumer group must finish the command exactly once.
 */
class WorkerRestartIT {

    private static final String TARGET = "it_restart";

    private static ProcessStack stack;
    private static Events events;
    private static Commands commands;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.start("restart", Map.of(TARGET, true));
        events = stack.events();
        commands = stack.commands();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void aStoppedWorkerAbortsItsUploadAndAnotherCompletesTheCommand() throws Exception {
        String commandId = Commands.newCommandId();
        try (TableLock lock = TableLock.hold(ProcessStack.PG, stack.database(TARGET), "documents"); WorkerJvm a = worker("stop-a")) {
            // Given a backup held mid-way in worker A
            commands.send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
            awaitStartedBy(commandId, "stop-a");

            // When A is stopped as an orchestrator stops it
            a.terminate();

            // Then A reports the job as given up for now, and leaves no upload behind
            List<JsonNode> first = events.awaitJobEnd(commandId);
            JsonNode failed = first.get(first.size() - 1);
            assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.backup.failed");
            assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo("WORKER_STOPPED");
            assertThat(failed.path("data").path("error").path("retryable").asBoolean()).isTrue();
            assertThat(pendingUploads()).isEmpty();
        }

        // And worker B, given the uncommitted command, completes it
        try (WorkerJvm b = worker("stop-b")) {
            List<JsonNode> second = events.awaitJobEnd(commandId, 1);
            assertThat(Events.types(second)).last().isEqualTo("dev.shoehorn.backup.completed");
            assertThat(second.get(0).path("source").asText()).isEqualTo("backup-worker/stop-b");
        }
        assertThat(stack.manifestsOf(commandId)).hasSize(1);
    }

    @Test
    void aKilledWorkersCommandIsCompletedOnceByAnother() throws Exception {
        String commandId = Commands.newCommandId();
        try (TableLock lock = TableLock.hold(ProcessStack.PG, stack.database(TARGET), "documents"); WorkerJvm a = worker("kill-a")) {
            // Given a backup held mid-way in worker A, its multipart upload open
            commands.send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
            awaitStartedBy(commandId, "kill-a");
            assertThat(pendingUploads()).isNotEmpty();

            // When A is killed outright
            a.kill();
        }

        // Then worker B of the same group gets the command again and completes it, once
        try (WorkerJvm b = worker("kill-b")) {
            List<JsonNode> job = events.awaitJobEnd(commandId);
            assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");
            assertThat(job.get(0).path("source").asText()).isEqualTo("backup-worker/kill-b");
            // And the upload A left behind is aborted by B at start-up
            await().atMost(Duration.ofSeconds(30)).until(() -> pendingUploads().isEmpty());
        }
        long terminal = events.ofCommand(commandId).stream()
                .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).count();
        assertThat(terminal).isEqualTo(1);
        assertThat(stack.manifestsOf(commandId)).hasSize(1);
    }

    private static WorkerJvm worker(String name) throws Exception {
        Map<String, String> properties = stack.workerSettings(name);
        properties.put("backup.storage.abandoned-upload-age", "1s");
        properties.put("backup.jobs.shutdown-grace", "10s");
        return stack.worker(name, properties);
    }

    private static void awaitStartedBy(String commandId, String worker) {
        await().atMost(Duration.ofSeconds(60)).until(() -> events.ofCommand(commandId).stream()
                .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backup.started")
                        && e.path("source").asText().equals("backup-worker/" + worker)));
    }

    private static List<MultipartUpload> pendingUploads() {
        return stack.s3().blobStore().listMultipartUploads(stack.bucket());
    }
}
