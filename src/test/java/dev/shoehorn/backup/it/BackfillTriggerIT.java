package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.it.SearchApiStandIn.Answer;
import dev.shoehorn.backup.reaction.Reaction;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.ReactionRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The backfill reaction on real parts: restore.completed events on the in-process Kafka broker,
 * its records in S3Proxy, and a real HTTP server standing in for the search API.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(ReactionsProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackfillTriggerIT {

    private static final String BACKFILL = "backfill";
    private static final Set<String> ENDS = Set.of("dev.shoehorn.backfill.completed", "dev.shoehorn.backfill.failed");
    private static Events events;
    private static Commands producer;
    private static final List<String> restoreJobs = new ArrayList<>();

    @Inject
    ArchiveStore store;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        producer = new Commands(WorkerStack.bootstrapServers());
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        producer.close();
    }

    @BeforeEach
    void freshStandIn() {
        SearchApiStandIn.reset();
    }

    @AfterEach
    void removeRecords() {
        restoreJobs.forEach(job -> store.delete(store.keys().reaction(BACKFILL, job)));
        restoreJobs.clear();
        SearchApiStandIn.reset();
    }

    @Test
    @Order(1)
    void aRestoreAskingForABackfillRequestsItOnceAndPollsItToCompletion() {
        // Given a search API that reports the backfill running twice, then completed
        SearchApiStandIn.answerStatus(SearchApiStandIn.status("running"), SearchApiStandIn.status("running"));
        String restoreJob = newRestoreJob();
        String commandId = Commands.newCommandId();

        // When a restore that asked for a backfill completes
        publishRestoreCompleted(restoreJob, commandId, true);

        // Then one POST with the token and the configured collections, three polls, and the
        // reaction's own job: requested (what the API started), then completed, numbered 1, 2
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.requested",
                "dev.shoehorn.backfill.completed");
        assertThat(SearchApiStandIn.posts()).singleElement().satisfies(post -> {
            assertThat(post.path()).isEqualTo("/api/v1/admin/backfill");
            assertThat(post.authorization()).isEqualTo("Bearer " + SearchApiStandIn.TOKEN);
            assertThat(post.body()).isEqualTo("{\"collections\":[\"projects\",\"documents\"]}");
        });
        assertThat(SearchApiStandIn.statusPolls()).hasSize(3)
                .allSatisfy(get -> assertThat(get.authorization()).isEqualTo("Bearer " + SearchApiStandIn.TOKEN));
        assertThat(job).extracting(e -> e.path("data").path("seq").asLong()).containsExactly(1L, 2L);
        assertThat(job).allSatisfy(e -> {
            assertThat(e.path("data").path("jobId").asText()).isEqualTo(Reaction.jobId(BACKFILL, restoreJob));
            assertThat(e.path("data").path("commandId").asText()).isEqualTo(commandId);
            assertThat(e.path("data").path("target").asText()).isEqualTo(WorkerStack.SOURCE);
            assertThat(e.path("data").path("restoreJobId").asText()).isEqualTo(restoreJob);
            assertThat(e.path("subject").asText()).isEqualTo(WorkerStack.SOURCE);
        });
        JsonNode requested = job.get(0).path("data");
        assertThat(requested.path("startedAt").asText()).isEqualTo(SearchApiStandIn.STARTED_AT);
        assertThat(requested.path("collections")).extracting(JsonNode::asText).containsExactly("projects", "documents");
        assertThat(job.get(1).path("data").path("durationMs").asLong()).isNotNegative();

        // And the record in object storage says it is done (it is written just after the event)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.findReaction(BACKFILL,
                restoreJob)).get().extracting(ReactionRecord::state).isEqualTo(ReactionRecord.State.COMPLETED));
    }

    @Test
    @Order(2)
    void aServerErrorIsRetriedAndTheBackfillRequestedOnce() {
        // Given a search API that fails once with 500
        SearchApiStandIn.answerBackfill(new Answer(500, "{\"error\":\"boom\"}"));
        String restoreJob = newRestoreJob();

        // When a restore asking for a backfill completes
        publishRestoreCompleted(restoreJob, Commands.newCommandId(), true);

        // Then the POST is repeated after the backoff, and the job reports one request, on attempt 2
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(SearchApiStandIn.posts()).hasSize(2);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.requested",
                "dev.shoehorn.backfill.completed");
        assertThat(job.get(0).path("data").path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void refusedCredentialsFailAtOnceWithoutRetry() {
        // Given a search API that refuses the token
        SearchApiStandIn.answerBackfill(new Answer(401, "{\"error\":\"unauthorized\"}"));
        String restoreJob = newRestoreJob();

        // When a restore asking for a backfill completes
        publishRestoreCompleted(restoreJob, Commands.newCommandId(), true);

        // Then one POST, no request event, and a failure that is not worth retrying
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(SearchApiStandIn.posts()).hasSize(1);
        assertThat(SearchApiStandIn.statusPolls()).isEmpty();
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.failed");
        JsonNode error = job.get(0).path("data").path("error");
        assertThat(error.path("code").asText()).isEqualTo("BACKFILL_FAILED");
        assertThat(error.path("retryable").asBoolean()).isFalse();
        assertThat(error.path("message").asText()).contains("HTTP 401");
        assertThat(job.get(0).path("data").path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void serverErrorsUpToTheLastAttemptFailAsRetryable() {
        // Given a search API that answers 503 to every attempt
        SearchApiStandIn.answerBackfill(new Answer(503, ""), new Answer(503, ""), new Answer(503, ""));
        String restoreJob = newRestoreJob();

        // When a restore asking for a backfill completes
        publishRestoreCompleted(restoreJob, Commands.newCommandId(), true);

        // Then max-attempts (3) POSTs, and a failure on attempt 3 that may succeed later
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(SearchApiStandIn.posts()).hasSize(3);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.failed");
        assertThat(job.get(0).path("data").path("attempt").asInt()).isEqualTo(3);
        assertThat(job.get(0).path("data").path("error").path("retryable").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void aRedeliveredEventCausesNoSecondPost() throws IOException {
        // Given a restore.completed event delivered twice, and another restore after it
        String restoreJob = newRestoreJob();
        String later = newRestoreJob();
        String commandId = Commands.newCommandId();
        String event = RestoreEvents.completed(restoreJob, commandId, WorkerStack.SOURCE, true, false);

        // When all three are published (same key, so the reaction sees them in this order)
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE, event);
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE, event);
        publishRestoreCompleted(later, Commands.newCommandId(), true);

        // Then, once the later restore's backfill is done, there were two POSTs: one per restore
        awaitReactionEnd(later);
        assertThat(SearchApiStandIn.posts()).hasSize(2);
        List<JsonNode> job = jobEvents(restoreJob);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.requested",
                "dev.shoehorn.backfill.completed");
        assertThat(workerLog()).anyMatch(line -> line.contains("reaction=backfill restoreJob=" + restoreJob)
                && line.contains("stage=duplicate"));
    }

    @Test
    @Order(6)
    void aRestartedConsumerResumesPollingWithoutPostingAgain() {
        // Given a backfill another process requested (its record says so) before it stopped
        String restoreJob = newRestoreJob();
        String commandId = Commands.newCommandId();
        String jobId = Reaction.jobId(BACKFILL, restoreJob);
        Instant now = Instant.now();
        store.recordReaction(ReactionRecord.of(BACKFILL, restoreJob, jobId, commandId, WorkerStack.SOURCE,
                ReactionRecord.State.CLAIMED, 0, 1, now).requested(1, 1, now, SearchApiStandIn.STARTED_AT, null));

        // When its restore.completed is delivered again
        publishRestoreCompleted(restoreJob, commandId, true);

        // Then nothing is posted; the status is polled and the job goes on at seq 2
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(SearchApiStandIn.posts()).isEmpty();
        assertThat(SearchApiStandIn.statusPolls()).isNotEmpty();
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.completed");
        assertThat(job.get(0).path("data").path("seq").asLong()).isEqualTo(2);
    }

    @Test
    @Order(7)
    void aClaimWithoutAnAnswerIsReportedNotPostedAgain() {
        // Given a process that claimed the backfill and stopped before the search API answered
        String restoreJob = newRestoreJob();
        String commandId = Commands.newCommandId();
        store.recordReaction(ReactionRecord.of(BACKFILL, restoreJob, Reaction.jobId(BACKFILL, restoreJob), commandId,
                WorkerStack.SOURCE, ReactionRecord.State.CLAIMED, 0, 1, Instant.now()));

        // When its restore.completed is delivered again
        publishRestoreCompleted(restoreJob, commandId, true);

        // Then nothing is posted, and the outcome is reported as unknown, not worth an automatic retry
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(SearchApiStandIn.posts()).isEmpty();
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.failed");
        assertThat(job.get(0).path("data").path("error").path("retryable").asBoolean()).isFalse();
        assertThat(job.get(0).path("data").path("seq").asLong()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void aBackfillStillRunningAfterTheTimeoutFails() {
        // Given a search API whose backfill never ends (longer than the 3 s timeout of the profile)
        SearchApiStandIn.answerStatus(LongStream.range(0, 100).mapToObj(i -> SearchApiStandIn.status("running"))
                .toArray(Answer[]::new));
        String restoreJob = newRestoreJob();

        // When a restore asking for a backfill completes
        publishRestoreCompleted(restoreJob, Commands.newCommandId(), true);

        // Then the backfill was requested and then given up with BACKFILL_TIMEOUT
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.requested",
                "dev.shoehorn.backfill.failed");
        assertThat(job.get(1).path("data").path("error").path("code").asText()).isEqualTo("BACKFILL_TIMEOUT");
        assertThat(job.get(1).path("data").path("durationMs").asLong()).isGreaterThanOrEqualTo(3_000);
    }

    @Test
    @Order(9)
    void aFailedBackfillIsReportedWithItsStatus() {
        // Given a search API that reports the backfill as failed
        SearchApiStandIn.answerStatus(SearchApiStandIn.status("failed"));
        String restoreJob = newRestoreJob();

        // When a restore asking for a backfill completes
        publishRestoreCompleted(restoreJob, Commands.newCommandId(), true);

        // Then backfill.failed names the status
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.backfill.requested",
                "dev.shoehorn.backfill.failed");
        assertThat(job.get(1).path("data").path("error").path("message").asText()).contains("\"failed\"");
    }

    @Test
    @Order(10)
    void aRestoreWithoutBackfillAndOtherEventsTriggerNothing() {
        // Given a restore that did not ask for a backfill, and an unrelated event
        String without = newRestoreJob();
        String marker = newRestoreJob();

        // When they are published, followed by a restore that did ask
        publishRestoreCompleted(without, Commands.newCommandId(), false);
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE, "{\"type\":\"dev.shoehorn.backup.started\",\"data\":{}}");
        publishRestoreCompleted(marker, Commands.newCommandId(), true);

        // Then only the last one led to a POST
        awaitReactionEnd(marker);
        assertThat(SearchApiStandIn.posts()).hasSize(1);
        assertThat(jobEvents(without)).isEmpty();
    }

    @Test
    @Order(100)
    void theTokenIsInNoEventAndNoLogLine() throws IOException {
        // Given a backfill that completed and one refused, and every event and log line so far
        aBackfillOfEachOutcome();
        List<String> texts = new ArrayList<>();
        events.tail().records().forEach(r -> texts.add(new String(r.value(), StandardCharsets.UTF_8)));
        texts.addAll(workerLog());
        assertThat(events.all()).anyMatch(e -> e.path("type").asText().startsWith("dev.shoehorn.backfill."));

        // Then neither token (the file's, which was sent, nor the configured one) is among them
        assertThat(texts).isNotEmpty()
                .noneMatch(t -> t.contains(SearchApiStandIn.TOKEN))
                .noneMatch(t -> t.contains(ReactionsProfile.CONFIG_TOKEN));
    }

    /** One backfill that completes and one the search API refuses: every event type of the reaction. */
    private void aBackfillOfEachOutcome() {
        String completed = newRestoreJob();
        publishRestoreCompleted(completed, Commands.newCommandId(), true);
        awaitReactionEnd(completed);
        SearchApiStandIn.answerBackfill(new Answer(401, "{\"error\":\"unauthorized\"}"));
        String refused = newRestoreJob();
        publishRestoreCompleted(refused, Commands.newCommandId(), true);
        assertThat(Events.types(awaitReactionEnd(refused))).last().isEqualTo("dev.shoehorn.backfill.failed");
    }

    private String newRestoreJob() {
        String job = RestoreEvents.newJobId();
        restoreJobs.add(job);
        return job;
    }

    private static void publishRestoreCompleted(String restoreJob, String commandId, boolean backfill) {
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE,
                RestoreEvents.completed(restoreJob, commandId, WorkerStack.SOURCE, backfill, false));
    }

    /** Events of the reaction's job for {@code restoreJob}, in topic order. */
    private static List<JsonNode> jobEvents(String restoreJob) {
        String jobId = Reaction.jobId(BACKFILL, restoreJob);
        return events.all().stream().filter(e -> jobId.equals(e.path("data").path("jobId").asText())).toList();
    }

    private static List<JsonNode> awaitReactionEnd(String restoreJob) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jobEvents(restoreJob).stream().anyMatch(e -> ENDS.contains(e.path("type").asText())));
        return jobEvents(restoreJob);
    }

    private static List<String> workerLog() throws IOException {
        return Files.readAllLines(Path.of("target/it-worker.log"));
    }

    @Test
    @Order(99)
    void everyBackfillEventMatchesTheContractSchemas() {
        aBackfillOfEachOutcome();
        Events.ContractCheck check = events.checkContract("dev.shoehorn.backfill.");

        assertThat(check.events()).isPositive();
        assertThat(check.violations()).isEmpty();
    }
}
