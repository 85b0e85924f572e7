package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
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
 * worker of the same consumer group must finish the command exactly once ({@link LiveWorker}: that
 * one is the worker the next case stops or kills).
 */
class WorkerRestartIT {

    private static final String TARGET = "it_restart";
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ABANDONED_AFTER = JOB_TIMEOUT.plusSeconds(1);

    private static ProcessStack stack;
    private static Events events;
    private static Commands commands;
    private static LiveWorker workers;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.start("restart", Map.of(TARGET, true));
        events = stack.events();
        commands = stack.commands();
        workers = new LiveWorker(stack, "restart", WorkerRestartIT::settings);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.close();
        stack.close();
    }

    @Test
    void aStoppedWorkerAbortsItsUploadAndAnotherCompletesTheCommand() throws Exception {
        String commandId = Commands.newCommandId();
        try (TableLock lock = TableLock.hold(ProcessStack.PG, stack.database(TARGET), "documents")) {
            // Given a backup held mid-way in worker A
            WorkerJvm a = workers.get();
            commands.send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
            awaitStartedBy(commandId, a);

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
        WorkerJvm b = workers.get();
        List<JsonNode> second = events.awaitJobEnd(commandId, 1);
        assertThat(Events.types(second)).last().isEqualTo("dev.shoehorn.backup.completed");
        assertThat(second.get(0).path("source").asText()).isEqualTo("backup-worker/" + b.name());
        assertThat(stack.manifestsOf(commandId)).hasSize(1);
    }

    @Test
    void aKilledWorkersCommandIsCompletedOnceByAnother() throws Exception {
        String commandId = Commands.newCommandId();
        try (TableLock lock = TableLock.hold(ProcessStack.PG, stack.database(TARGET), "documents")) {
            // Given a backup held mid-way in worker A, its multipart upload open
            WorkerJvm a = workers.get();
            commands.send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
            awaitStartedBy(commandId, a);
            assertThat(pendingUploads()).isNotEmpty();

            // When A is killed outright
            a.kill();
        }
        // and its upload has outlived any job (only then may a worker take it for abandoned)
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingUploads().stream()
                .allMatch(u -> u.initiated().isBefore(Instant.now().minus(ABANDONED_AFTER))));

        // Then worker B of the same group gets the command again and completes it, once
        WorkerJvm b = workers.get();
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");
        assertThat(job.get(0).path("source").asText()).isEqualTo("backup-worker/" + b.name());
        // And the upload A left behind is aborted by B at start-up
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingUploads().isEmpty());
        long terminal = events.ofCommand(commandId).stream()
                .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).count();
        assertThat(terminal).isEqualTo(1);
        assertThat(stack.manifestsOf(commandId)).hasSize(1);
    }

    private static Map<String, String> settings(String name) {
        Map<String, String> properties = stack.workerSettings(name);
        // the upload a killed worker left is aborted by the next one's start-up once older than any job
        // may run: a job here (a small database) takes seconds, and the age must exceed the timeout
        properties.put("backup.jobs.timeout", JOB_TIMEOUT.toSeconds() + "s");
        properties.put("backup.storage.abandoned-upload-age", ABANDONED_AFTER.toSeconds() + "s");
        properties.put("backup.jobs.shutdown-grace", "10s");
        return properties;
    }

    private static void awaitStartedBy(String commandId, WorkerJvm worker) {
        await().atMost(Duration.ofSeconds(60)).until(() -> events.ofCommand(commandId).stream()
                .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backup.started")
                        && e.path("source").asText().equals("backup-worker/" + worker.name())));
    }

    private static List<MultipartUpload> pendingUploads() {
        return stack.s3().blobStore().listMultipartUploads(stack.bucket());
    }
}
