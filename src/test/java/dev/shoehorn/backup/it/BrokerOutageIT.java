package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The broker goes away in the middle of a job for longer than the producer's delivery timeout, and
 * comes back: the job waits for it, and its events arrive complete, once each and in order (seq
 * 1, 2, 3… without a gap), with nothing logged as lost.
 */
class BrokerOutageIT {

    private static final String TARGET = "it_outage";
    private static ProcessStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.startRestartable("outage", Map.of(TARGET, true));
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void aJobOutlivesABrokerRestartAndItsEventsArriveGapFreeAndOnce() throws Exception {
        String commandId = Commands.newCommandId();
        Events events = stack.events();
        try (WorkerJvm worker = stack.worker("outage", settings())) {
            try (TableLock lock = TableLock.hold(ProcessStack.PG, stack.database(TARGET), "documents")) {
                // Given a backup held mid-way, its started event out
                stack.commands().send("backup.commands", TARGET, Commands.backup(commandId, TARGET));
                await().atMost(Duration.ofSeconds(60)).until(() -> events.ofCommand(commandId).stream()
                        .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backup.started")));

                // When the broker goes away, and the job goes on while it is away, until the producer
                // has given an event up and the worker sends it again
                stack.kafka().stopBroker();
            }
            long stopped = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.output().contains("stage=event-retry"));
            stack.kafka().startBroker();
            long back = System.nanoTime();

            // Then the job ends as completed once the broker is back
            List<JsonNode> job = events.awaitJobEnd(commandId);
            assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");
            // for docs/reliability.md
            System.out.printf("broker outage: %.1f s; the job's completed event read %.1f s after the broker was back%n",
                    (back - stopped) / 1e9, (System.nanoTime() - back) / 1e9);

            // And its events are all there, in order; a send the producer gave up on, though it had landed
            // just before the broker went, is made again as the very same event (id, seq, signature)
            List<JsonNode> distinct = job.stream().filter(distinctBy(e -> e.path("id").asText())).toList();
            assertThat(distinct).extracting(e -> e.path("data").path("seq").asLong())
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, distinct.size()).boxed().toList());
            assertThat(job).allSatisfy(e -> assertThat(distinct).contains(e));
            assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.backup.accepted",
                    "dev.shoehorn.backup.started", "dev.shoehorn.backup.uploaded", "dev.shoehorn.backup.completed");
            assertThat(worker.output()).doesNotContain("event-lost").contains("stage=completed");
        }
    }

    private static <T> java.util.function.Predicate<T> distinctBy(java.util.function.Function<T, Object> key) {
        java.util.Set<Object> seen = new java.util.HashSet<>();
        return value -> seen.add(key.apply(value));
    }

    private static Map<String, String> settings() {
        Map<String, String> properties = stack.workerSettings("outage");
        properties.put("backup.progress.interval", "200ms");
        // The producer gives a record up within seconds here (12 h in production; a send also
        // waits up to max.block.ms for the broker's metadata), so that the outage makes the worker
        // send again what the producer gave up on: the old publisher logged such an event as lost.
        properties.put("mp.messaging.outgoing.backup-progress.delivery.timeout.ms", "5000");
        properties.put("mp.messaging.outgoing.backup-progress.request.timeout.ms", "3000");
        properties.put("mp.messaging.outgoing.backup-progress.max.block.ms", "3000");
        properties.put("backup.progress.retry-initial", "500ms");
        properties.put("backup.progress.retry-max", "1s");
        return properties;
    }
}
