package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.utils.Utils;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.cli.Cli;
import dev.shoehorn.backup.cli.CliSettings;
import dev.shoehorn.backup.cli.Console;
import dev.shoehorn.backup.cli.Main;

/** {@code watch} on a terminal, following two jobs that run at once on two workers. */
class WatchIT {

    private static final int PARTITIONS = 2;
    private static String targetA;
    private static String targetB;
    private static ProcessStack stack;
    private static WorkerJvm one;
    private static WorkerJvm two;

    @BeforeAll
    static void start() throws Exception {
        // two targets on different partitions, so that each worker of the two gets one
        targetA = "wa";
        targetB = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "wb" + i)
                .filter(t -> partition(t) != partition(targetA)).findFirst().orElseThrow();
        stack = ProcessStack.start("watch", Map.of(targetA, true, targetB, true), PARTITIONS);
        one = stack.worker("one", stack.workerSettings("one"));
        two = stack.worker("two", stack.workerSettings("two"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
        stack.close();
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    @Test
    void watchShowsEachRunningJobAsItsOwnBarAndEachStageAsALine() throws Exception {
        // Given both workers in the group, each with one partition, and both targets' tables locked, so that
        // the two backups will be running at the same time
        awaitEachWorkerHasAPartition();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Terminal terminal = TerminalBuilder.builder().system(false).type("xterm-256color")
                .streams(new ByteArrayInputStream(new byte[0]), screen).size(new Size(160, 40)).build();
        Map<String, String> settings = new HashMap<>(CliRun.settings(stack.kafka().bootstrapServers(),
                stack.s3().endpoint(), stack.bucket(), "backups", "watch", "unused"));
        settings.put("quarkus.profile", "cli-test");
        Cli cli = new Cli(() -> CliSettings.load(settings), Console.onTerminal(terminal,
                new PrintWriter(new StringWriter())), Clock.systemUTC());
        Thread watch = new Thread(() -> Main.run(cli, "watch", "--for", "45s"), "test-watch");
        String a = Commands.newCommandId();
        String b = Commands.newCommandId();
        try (TableLock lockA = TableLock.hold(ProcessStack.PG, stack.database(targetA), "tenants");
                TableLock lockB = TableLock.hold(ProcessStack.PG, stack.database(targetB), "tenants")) {
            watch.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> screen.toString(StandardCharsets.UTF_8).contains("watching"));

            // When a backup of each is asked for
            stack.commands().send("backup.commands", targetA, Commands.backup(a, targetA));
            stack.commands().send("backup.commands", targetB, Commands.backup(b, targetB));

            // Then, while both run and neither has ended, the live area draws a bar for each
            await().atMost(Duration.ofSeconds(60)).until(() -> started(a) && started(b));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(plain(screen))
                    .containsPattern(bar(targetA)).containsPattern(bar(targetB)).doesNotContain("backup completed"));
        }
        // and once the locks are gone both end, each stage a line of its own
        await().atMost(Duration.ofSeconds(60)).until(() -> ended(a) && ended(b));
        await().atMost(Duration.ofSeconds(10)).until(() -> plain(screen).contains(targetA + "  backup completed")
                && plain(screen).contains(targetB + "  backup completed"));
        String text = plain(screen);
        assertThat(text).contains(targetA + "  backup accepted", targetA + "  backup started",
                targetB + "  backup accepted", targetB + "  backup started");
        // and the two jobs ran on the two workers
        Set<String> sources = stack.events().all().stream()
                .filter(e -> e.path("type").asText().equals("dev.shoehorn.backup.started"))
                .map(e -> e.path("source").asText()).collect(Collectors.toSet());
        assertThat(sources).containsExactlyInAnyOrder("backup-worker/one", "backup-worker/two");
        watch.interrupt();
    }

    /** A job's bar as the live area draws it: target, kind, stage, then the bar itself. */
    private static String bar(String target) {
        return target + " backup \\w+\\s+[░█]{8,}";
    }

    private static boolean started(String commandId) {
        return stack.events().ofCommand(commandId).stream()
                .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backup.started"));
    }

    private static boolean ended(String commandId) {
        List<JsonNode> events = stack.events().ofCommand(commandId);
        return events.stream().anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.backup.completed"));
    }

    /** The terminal's output without its control sequences. */
    private static String plain(ByteArrayOutputStream screen) {
        return screen.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "")
                .replaceAll("\u001b[()][A-Za-z0-9]", "").replace("\r", "");
    }

    private static void awaitEachWorkerHasAPartition() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("backup-worker")).all().get()
                        .get("backup-worker");
                long withBackupPartitions = group.members().stream()
                        .filter(m -> m.assignment().topicPartitions().stream()
                                .anyMatch(tp -> tp.topic().equals("backup.commands")))
                        .count();
                return withBackupPartitions == PARTITIONS;
            });
        }
    }
}
