package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The progress topic as a test sees it: CloudEvents, grouped by command. */
public final class Events implements AutoCloseable {

    public static final Set<String> TERMINAL = Set.of("dev.shoehorn.backup.completed", "dev.shoehorn.backup.failed",
            "dev.shoehorn.backup.rejected", "dev.shoehorn.backup.skipped", "dev.shoehorn.restore.completed",
            "dev.shoehorn.restore.failed", "dev.shoehorn.restore.rejected", "dev.shoehorn.restore.skipped",
            "dev.shoehorn.drill.passed", "dev.shoehorn.drill.failed");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicTail tail;

    public Events(String bootstrapServers) {
        this.tail = new TopicTail(bootstrapServers, "backup.progress");
    }

    public List<JsonNode> all() {
        return tail.records().stream().map(r -> parse(r.value())).toList();
    }

    /** Events of the command's jobs, in topic order. */
    public List<JsonNode> ofCommand(String commandId) {
        return all().stream().filter(e -> commandId.equals(e.path("data").path("commandId").asText(null))).toList();
    }

    /** Waits for the command's next terminal event after {@code skip} earlier terminal ones; returns its job's events. */
    public List<JsonNode> awaitJobEnd(String commandId, int skip) {
        await().atMost(Duration.ofSeconds(90)).until(() -> ofCommand(commandId).stream()
                .filter(e -> TERMINAL.contains(e.path("type").asText())).count() > skip);
        JsonNode end = ofCommand(commandId).stream().filter(e -> TERMINAL.contains(e.path("type").asText()))
                .skip(skip).findFirst().orElseThrow();
        String jobId = end.path("data").path("jobId").asText();
        return ofCommand(commandId).stream().filter(e -> jobId.equals(e.path("data").path("jobId").asText())).toList();
    }

    public List<JsonNode> awaitJobEnd(String commandId) {
        return awaitJobEnd(commandId, 0);
    }

    /** Contract violations of the events whose type starts with {@code typePrefix}, and how many were checked. */
    public ContractCheck checkContract(String typePrefix) {
        var schemas = dev.shoehorn.backup.contract.ContractSchemas.load();
        List<JsonNode> checked = all().stream().filter(e -> e.path("type").asText().startsWith(typePrefix)).toList();
        return new ContractCheck(checked.size(),
                checked.stream().flatMap(e -> schemas.validateEvent(e.toString()).stream()).toList());
    }

    public record ContractCheck(int events, List<String> violations) {
    }

    /** Asserts that a restore job ended failed with {@code code}, not retryable; returns that event. */
    public static JsonNode assertRestoreFailed(List<JsonNode> job, String code) {
        JsonNode failed = job.get(job.size() - 1);
        assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.restore.failed");
        assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo(code);
        assertThat(failed.path("data").path("error").path("retryable").asBoolean()).isFalse();
        return failed;
    }

    /**
     * Asserts that a backup command published {@code copies} times ran once: of its terminal events one
     * is {@code completed}, the others {@code skipped} naming that job.
     */
    public static void assertRanOnce(List<JsonNode> terminal, int copies, String what) {
        List<String> once = new java.util.ArrayList<>(java.util.Collections.nCopies(copies - 1,
                "dev.shoehorn.backup.skipped"));
        once.add("dev.shoehorn.backup.completed");
        assertThat(types(terminal)).as(what).containsExactlyInAnyOrderElementsOf(once);
        String winner = terminal.stream().filter(e -> e.path("type").asText().endsWith(".completed")).findFirst()
                .orElseThrow().path("data").path("jobId").asText();
        assertThat(terminal).filteredOn(e -> e.path("type").asText().endsWith(".skipped"))
                .allSatisfy(e -> assertThat(e.path("data").path("originalJobId").asText()).as(what).isEqualTo(winner));
    }

    public static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    /** The record's JSON, or empty for a value that is none (command topics hold malformed records too). */
    public static java.util.Optional<JsonNode> tryParse(byte[] value) {
        try {
            return java.util.Optional.of(parse(value));
        } catch (UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }

    static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TopicTail tail() {
        return tail;
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
