package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.reaction.Reaction;
import dev.shoehorn.backup.storage.ArchiveStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Traces across the event chain, read from the spans the worker ended ({@link SpansInMemory}):
 * a command's {@code traceparent} goes on through its job's steps into every event it sends, and
 * the reactions to a restore continue from its restore.completed, out to the search API.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(TracingProfile.class)
class TracingIT {

    private static final String BACKUPS = "backup.commands";
    private static final String RESTORES = "restore.commands";
    private static final String PROGRESS = "send backup.progress";
    private static final Random RANDOM = new Random();
    private static Events events;
    private static Commands producer;
    private final List<String> reactionJobs = new ArrayList<>();

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
    void noSpansYet() {
        SpansInMemory.EXPORTER.reset();
        SearchApiStandIn.reset();
    }

    @AfterEach
    void removeReactionRecords() {
        reactionJobs.forEach(job -> {
            store.delete(store.keys().reaction("backfill", job));
            store.delete(store.keys().reaction("cache-flush", job));
        });
        SearchApiStandIn.reset();
    }

    @Test
    void aBackupContinuesItsCommandsTraceThroughEveryStepAndEvent() {
        // Given a backup command sent in a trace of its publisher's
        String traceId = hex(16);
        String publisherSpan = hex(8);
        String commandId = Commands.newCommandId();

        // When the worker runs it
        publish(BACKUPS, Commands.backup(commandId, WorkerStack.SOURCE), WorkerStack.SOURCE, traceId, publisherSpan);
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");

        // Then its processing is a consumer span in that trace, the publisher's child and linked to it
        SpanData process = awaitSpan(s -> s.getName().equals("process " + BACKUPS)
                && commandId.equals(s.getAttributes().get(AttributeKey.stringKey("backup.command.id"))));
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(traceId);
        assertThat(process.getParentSpanId()).isEqualTo(publisherSpan);
        assertThat(process.getLinks()).singleElement()
                .satisfies(link -> assertThat(link.getSpanContext().getSpanId()).isEqualTo(publisherSpan));
        assertThat(process.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("messaging.system"), "kafka")
                .containsEntry(AttributeKey.stringKey("messaging.operation.type"), "process")
                .containsEntry(AttributeKey.stringKey("messaging.destination.name"), BACKUPS)
                .containsEntry(AttributeKey.stringKey("messaging.consumer.group.name"), "backup-worker")
                .containsEntry(AttributeKey.stringKey("backup.target"), WorkerStack.SOURCE)
                .containsEntry(AttributeKey.stringKey("backup.outcome"), "completed");

        // And the job's steps are its children, in order, none failed
        List<SpanData> trace = awaitTrace(traceId, 1 + 5 + job.size());
        List<SpanData> steps = childrenOf(trace, process).stream().filter(s -> s.getKind() == SpanKind.INTERNAL).toList();
        assertThat(steps).extracting(SpanData::getName).containsExactly("intake", "lock", "upload", "dump", "manifest");
        assertThat(steps).allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR));

        // And every event was sent in a producer span of that trace, whose context the event carries
        assertEventsCarryTheirSendSpans(job, trace, traceId);
        assertThat(parentOf(trace, sendOf(trace, first(job, "dev.shoehorn.backup.started"))).getName())
                .isEqualTo("dump");
        assertThat(parentOf(trace, sendOf(trace, first(job, "dev.shoehorn.backup.accepted")))).isEqualTo(process);
    }

    @Test
    void aRestoresReactionsContinueItsTraceFromItsCompletedEventToTheSearchApi() {
        // Given an archive of the source (its backup, sent without a trace, starts one of its own)
        String backupId = Commands.newCommandId();
        producer.send(BACKUPS, WorkerStack.SOURCE, Commands.backup(backupId, WorkerStack.SOURCE));
        events.awaitJobEnd(backupId);
        SpanData backup = awaitSpan(s -> backupId.equals(s.getAttributes().get(AttributeKey.stringKey("backup.command.id"))));
        assertThat(backup.getParentSpanContext().isValid()).isFalse();
        assertThat(backup.getLinks()).isEmpty();

        // When a restore asking for both reactions is sent in a trace
        String traceId = hex(16);
        String commandId = Commands.newCommandId();
        publish(RESTORES, restoreWithReactions(commandId), WorkerStack.RESTORE, traceId, hex(8));
        List<JsonNode> restore = events.awaitJobEnd(commandId);
        assertThat(Events.types(restore)).last().isEqualTo("dev.shoehorn.restore.completed");
        String restoreJob = restore.get(0).path("data").path("jobId").asText();
        reactionJobs.add(Reaction.jobId("backfill", restoreJob));
        reactionJobs.add(Reaction.jobId("cache-flush", restoreJob));

        // Then the restore's steps are children of its processing
        SpanData process = awaitSpan(s -> s.getName().equals("process " + RESTORES) && s.getTraceId().equals(traceId));
        await().atMost(Duration.ofSeconds(30)).until(() -> events.ofCommand(commandId).stream()
                .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backfill.completed"))
                && events.ofCommand(commandId).stream()
                        .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.cache.flushed")));
        List<SpanData> reactions = awaitSpans(s -> s.getName().equals("process backup.progress")
                && s.getTraceId().equals(traceId), 2);
        List<SpanData> trace = awaitTrace(traceId, 0);
        assertThat(childrenOf(trace, process).stream().filter(s -> s.getKind() == SpanKind.INTERNAL))
                .extracting(SpanData::getName).containsExactly("intake", "lock", "restore", "checks");

        // And each reaction is a consumer span, a child of the send of restore.completed and linked to it
        SpanData completedSend = sendOf(trace, first(restore, "dev.shoehorn.restore.completed"));
        assertThat(reactions).allSatisfy(reaction -> {
            assertThat(reaction.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(reaction.getParentSpanId()).isEqualTo(completedSend.getSpanId());
            assertThat(reaction.getLinks()).singleElement().satisfies(
                    link -> assertThat(link.getSpanContext().getSpanId()).isEqualTo(completedSend.getSpanId()));
        });
        assertThat(reactions).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
                .containsExactlyInAnyOrder("backup-worker-backfill", "backup-worker-cache-flush");
        Map<String, SpanData> byStep = reactions.stream().map(r -> childrenOf(trace, r))
                .flatMap(List::stream).collect(Collectors.toMap(SpanData::getName, Function.identity()));
        assertThat(byStep).containsOnlyKeys("backfill", "cache-flush");

        // And the backfill's calls to the search API are client spans whose context the API received
        List<SpanData> calls = childrenOf(trace, byStep.get("backfill")).stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertThat(calls).extracting(SpanData::getName).containsExactly("POST", "GET");
        assertThat(SearchApiStandIn.requests()).extracting(SearchApiStandIn.Request::traceparent).containsExactly(
                traceparent(traceId, calls.get(0).getSpanId()), traceparent(traceId, calls.get(1).getSpanId()));
        assertThat(calls).allSatisfy(call -> assertThat(call.getAttributes()
                .get(AttributeKey.longKey("http.response.status_code"))).isBetween(200L, 299L));

        // And the reactions' own events carry the trace too
        List<JsonNode> reacted = events.ofCommand(commandId).stream()
                .filter(e -> !e.path("data").path("jobId").asText().equals(restoreJob)).toList();
        assertThat(Events.types(reacted)).containsExactlyInAnyOrder("dev.shoehorn.backfill.requested",
                "dev.shoehorn.backfill.completed", "dev.shoehorn.cache.flushed");
        assertEventsCarryTheirSendSpans(reacted, trace, traceId);
        assertEventsCarryTheirSendSpans(restore, trace, traceId);
    }

    /** Each event's traceparent (the CloudEvents extension, and the record's header) names its own send span. */
    private static void assertEventsCarryTheirSendSpans(List<JsonNode> job, List<SpanData> trace, String traceId) {
        assertThat(job).allSatisfy(event -> {
            SpanData send = sendOf(trace, event);
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(event.path("traceparent").asText()).isEqualTo(traceparent(traceId, send.getSpanId()));
            assertThat(send.getAttributes().get(AttributeKey.stringKey("cloudevents.event_type")))
                    .isEqualTo(event.path("type").asText());
        });
    }

    private static SpanData sendOf(List<SpanData> trace, JsonNode event) {
        String id = event.path("id").asText();
        return trace.stream().filter(s -> s.getName().equals(PROGRESS)
                && id.equals(s.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))).findFirst()
                .orElseThrow(() -> new AssertionError("no send span for event " + event.path("type").asText()));
    }

    private static JsonNode first(List<JsonNode> job, String type) {
        return job.stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElseThrow();
    }

    private static List<SpanData> childrenOf(List<SpanData> trace, SpanData parent) {
        return trace.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
    }

    private static SpanData parentOf(List<SpanData> trace, SpanData child) {
        return trace.stream().filter(s -> s.getSpanId().equals(child.getParentSpanId())).findFirst().orElseThrow();
    }

    private static SpanData awaitSpan(java.util.function.Predicate<SpanData> which) {
        return awaitSpans(which, 1).get(0);
    }

    private static List<SpanData> awaitSpans(java.util.function.Predicate<SpanData> which, int count) {
        List<SpanData> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found.clear();
            SpansInMemory.EXPORTER.getFinishedSpanItems().stream().filter(which).forEach(found::add);
            return found.size() >= count;
        });
        return found;
    }

    /** The trace's spans once at least {@code atLeast} have ended. */
    private static List<SpanData> awaitTrace(String traceId, int atLeast) {
        return awaitSpans(s -> s.getTraceId().equals(traceId), Math.max(1, atLeast));
    }

    private static void publish(String topic, String value, String key, String traceId, String parentSpan) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8));
        record.headers().add("traceparent", traceparent(traceId, parentSpan).getBytes(StandardCharsets.US_ASCII));
        producer.send(record);
    }

    private static String restoreWithReactions(String commandId) {
        return "{\"commandId\":\"" + commandId + "\",\"target\":\"" + WorkerStack.RESTORE + "\",\"sourceTarget\":\""
                + WorkerStack.SOURCE + "\",\"archive\":\"latest\",\"requestedBy\":\"it:tester\","
                + "\"mode\":\"single-transaction\","
                + "\"postRestore\":{\"migrate\":false,\"backfill\":true,\"flushCache\":true}}";
    }

    private static String traceparent(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
