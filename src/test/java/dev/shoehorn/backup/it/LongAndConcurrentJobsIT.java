package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Jobs that take long and commands that arrive twice at once. A table lock that pg_dump waits for
 * holds a backup mid-way for as long as a test needs.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class LongAndConcurrentJobsIT {

    private static Events events;
    private static Commands commands;

    @TestHTTPResource("/q/health/live")
    URL liveness;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

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
    void aLongBackupKeepsTheWorkerHealthyAndItsPartition() throws Exception {
        String commandId = Commands.newCommandId();
        try (TableLock lock = TableLock.hold(WorkerStack.postgres(), WorkerStack.SOURCE_DB, "documents")) {
            // Given a backup held mid-way for three times the consumer's max.poll.interval.ms
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
            awaitType(commandId, "dev.shoehorn.backup.started");
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();

            // Then the worker stays live and ready all along
            HttpClient http = HttpClient.newHttpClient();
            while (System.nanoTime() < until) {
                assertThat(status(http, liveness)).isEqualTo(200);
                assertThat(status(http, readiness)).isEqualTo(200);
                Thread.sleep(1_000);
            }
        }

        // And once released, the job completes, and the command was never redelivered meanwhile
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");
        assertThat(Events.types(events.ofCommand(commandId))).filteredOn(t -> t.endsWith(".accepted")).hasSize(1);
    }

    @Test
    void twoDeliveriesOfOneCommandAtOnceYieldOneArchive() throws Exception {
        String commandId = Commands.newCommandId();
        try (TableLock lock = TableLock.hold(WorkerStack.postgres(), WorkerStack.SOURCE_DB, "documents")) {
            // Given a backup held mid-way
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
            awaitType(commandId, "dev.shoehorn.backup.started");

            // When the same command is delivered again while the first delivery runs
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
            await().atMost(Duration.ofSeconds(30)).until(() -> Events.types(events.ofCommand(commandId)).stream()
                    .filter(t -> t.endsWith(".accepted")).count() == 2);
        }

        // Then the second waits for the target's lock, finds the first one's record and skips
        List<JsonNode> first = events.awaitJobEnd(commandId, 0);
        List<JsonNode> second = events.awaitJobEnd(commandId, 1);
        assertThat(Events.types(first)).last().isEqualTo("dev.shoehorn.backup.completed");
        assertThat(Events.types(second)).containsExactly("dev.shoehorn.backup.accepted", "dev.shoehorn.backup.skipped");
        assertThat(second.get(1).path("data").path("originalJobId").asText())
                .isEqualTo(first.get(0).path("data").path("jobId").asText());
    }

    private static void awaitType(String commandId, String type) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Events.types(events.ofCommand(commandId)).contains(type));
    }

    private static int status(HttpClient http, URL url) throws Exception {
        return http.send(HttpRequest.newBuilder(url.toURI()).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
