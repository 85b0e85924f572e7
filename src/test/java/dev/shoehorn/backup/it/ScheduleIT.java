package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.schedule.ScheduledCommands;
import dev.shoehorn.backup.schedule.Scheduler;
import dev.shoehorn.backup.schedule.SlotCommand;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.CommandRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Schedules on the real worker, broker and store, with replicas' schedulers driven by a clock of the
 * test's own: no test waits for cron time. Each replica is the worker's {@link Scheduler} with the
 * worker's own publisher, as every replica runs it; the worker in this JVM takes the commands.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class ScheduleIT {

    private static final String TARGET = WorkerStack.SOURCE;
    private static final Duration LATE_AFTER = Duration.ofMinutes(5);
    private static Events events;
    private static TopicTail commands;

    @Inject
    ArchiveStore store;

    @Inject
    ScheduledCommands publisher;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new TopicTail(WorkerStack.bootstrapServers(), "backup.commands");
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        commands.close();
    }

    @AfterEach
    void forgetTheSchedule() {
        store.delete(store.keys().schedule(TARGET));
    }

    @Test
    void threeReplicasMakeOneBackupPerSlotEveryNightAcrossSpringForward() {
        // Given three replicas of a nightly 02:30 schedule in Berlin, started before the night of 2026-03-29,
        // which skips 02:00–03:00
        Cron cron = Cron.parse("30 2 * * *", "Europe/Berlin");
        List<Scheduler> replicas = replicas(cron, 3);
        List<Instant> expected = List.of(Instant.parse("2026-03-28T01:30:00Z"), // 02:30 CET
                Instant.parse("2026-03-29T01:00:00Z"), // the skipped 02:30 runs at the jump to 03:00 CEST
                Instant.parse("2026-03-30T00:30:00Z")); // 02:30 CEST

        // When their clocks run through three nights, each replica looking a little after the other
        List<SlotCommand> published = new ArrayList<>();
        for (Instant t = Instant.parse("2026-03-27T12:00:00Z"); t.isBefore(Instant.parse("2026-03-30T12:00:00Z"));
                t = t.plus(Duration.ofMinutes(10))) {
            List<SlotCommand> now = tickAll(replicas, t);
            published.addAll(now);
            now.stream().map(c -> c.commandId().toString()).distinct().forEach(this::awaitEveryCopyEnded);
        }

        // Then every replica published every slot, with the slot's one commandId, and no other
        assertThat(published).extracting(SlotCommand::slot).containsExactlyElementsOf(
                expected.stream().flatMap(s -> IntStream.range(0, 3).mapToObj(i -> s)).toList());
        for (Instant slot : expected) {
            String commandId = SlotCommand.commandIdOf(TARGET, slot).toString();
            // and each slot made one backup: one completed job, the other copies skipped naming it
            Events.assertRanOnce(terminalEvents(commandId), 3, "slot " + slot);
            // one archive whose manifest names the slot's command
            assertThat(archivesOf(commandId)).as("archives of slot " + slot).hasSize(1);
            // said to be the scheduler's, for that slot
            JsonNode accepted = events.ofCommand(commandId).stream()
                    .filter(e -> e.path("type").asText().equals("dev.shoehorn.backup.accepted")).findFirst()
                    .orElseThrow();
            assertThat(accepted.path("data").path("requestedBy").asText()).isEqualTo("scheduler");
            assertThat(accepted.path("data").path("reason").asText()).contains(slot.toString());
        }
    }

    @Test
    void slotsMissedWhileEveryWorkerWasDownAreCaughtUpByOneBackupThatListsThem() {
        // Given a nightly schedule whose 2026-04-01 slot one replica ran
        Cron cron = Cron.parse("0 2 * * *", "UTC");
        Scheduler before = replicas(cron, 1).get(0);
        before.tick(Instant.parse("2026-04-01T00:00:00Z"));
        SlotCommand first = before.tick(Instant.parse("2026-04-01T02:00:03Z")).get(0);
        awaitEveryCopyEnded(first.commandId().toString());

        // When every worker was down for three nights, and two replicas start the next morning
        List<Scheduler> after = replicas(cron, 2);
        List<SlotCommand> published = tickAll(after, Instant.parse("2026-04-04T09:00:00Z"));
        // and a third had read the schedule's state before the first wrote it, so it publishes the same
        publisher.publish(published.get(0), Instant.parse("2026-04-04T09:00:09Z"));

        // Then one command was published, for the newest slot, listing the three missed slots; the
        // second replica found the slot handled
        List<Instant> missed = List.of(Instant.parse("2026-04-02T02:00:00Z"), Instant.parse("2026-04-03T02:00:00Z"),
                Instant.parse("2026-04-04T02:00:00Z"));
        assertThat(published).singleElement().satisfies(c -> {
            assertThat(c.slot()).isEqualTo(missed.get(2));
            assertThat(c.missed()).isEqualTo(missed);
        });
        String commandId = published.get(0).commandId().toString();
        awaitEveryCopyEnded(commandId);
        // and no command was ever published for the missed nights themselves
        assertThat(schedulerCommandsOf(Set.of(SlotCommand.commandIdOf(TARGET, missed.get(0)).toString(),
                SlotCommand.commandIdOf(TARGET, missed.get(1)).toString()))).isEmpty();
        // and one backup ran, announced once with the slots it catches up, right after its acceptance
        assertThat(Events.types(terminalEvents(commandId))).containsExactlyInAnyOrder(
                "dev.shoehorn.backup.completed", "dev.shoehorn.backup.skipped");
        List<JsonNode> caughtUp = events.ofCommand(commandId).stream()
                .filter(e -> e.path("type").asText().equals("dev.shoehorn.schedule.caught-up")).toList();
        assertThat(caughtUp).hasSize(1);
        JsonNode data = caughtUp.get(0).path("data");
        assertThat(data.path("seq").asInt()).isEqualTo(2);
        assertThat(data.path("missed")).extracting(JsonNode::asText)
                .containsExactly("2026-04-02T02:00:00Z", "2026-04-03T02:00:00Z", "2026-04-04T02:00:00Z");
        assertThat(data.path("missedCount").asInt()).isEqualTo(3);
        assertThat(data.path("missedBecause").asText()).isEqualTo("no-worker");
        assertThat(archivesOf(commandId)).hasSize(1);
        assertThat(events.checkContract("dev.shoehorn.schedule").violations()).isEmpty();
    }

    @Test
    void aSlotNeverStartsASecondBackupWhileTheTargetsScheduledBackupStillRuns() throws Exception {
        // Given an hourly schedule whose midnight backup waits on a lock held on one of the tables
        Cron cron = Cron.parse("@hourly", "UTC");
        Scheduler replica = replicas(cron, 1).get(0);
        replica.tick(Instant.parse("2026-05-01T00:00:00Z").minusSeconds(1));
        SlotCommand midnight;
        try (TableLock lock = TableLock.hold(LocalPostgres.fromEnvironment(), WorkerStack.SOURCE_DB, "documents")) {
            midnight = replica.tick(Instant.parse("2026-05-01T00:00:30Z")).get(0);
            String running = midnight.commandId().toString();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.findCommand("backup", TARGET, running)
                    .map(CommandRecord::state).filter(s -> s == CommandRecord.State.CLAIMED).isPresent());

            // When two more slots pass while it runs
            List<SlotCommand> meanwhile = new ArrayList<>();
            meanwhile.addAll(replica.tick(Instant.parse("2026-05-01T01:00:30Z")));
            meanwhile.addAll(replica.tick(Instant.parse("2026-05-01T02:00:30Z")));

            // Then nothing more was published while it ran
            assertThat(meanwhile).isEmpty();
        }
        awaitEveryCopyEnded(midnight.commandId().toString());

        // and once it has ended, one backup catches up what passed meanwhile
        List<SlotCommand> next = replica.tick(Instant.parse("2026-05-01T02:07:00Z"));
        assertThat(next).singleElement().satisfies(c -> {
            assertThat(c.slot()).isEqualTo(Instant.parse("2026-05-01T02:00:00Z"));
            assertThat(c.missed()).containsExactly(Instant.parse("2026-05-01T01:00:00Z"),
                    Instant.parse("2026-05-01T02:00:00Z"));
            assertThat(c.missedBecause()).isEqualTo(SlotCommand.PREVIOUS_RUNNING);
        });
        String commandId = next.get(0).commandId().toString();
        awaitEveryCopyEnded(commandId);
        assertThat(events.ofCommand(commandId)).filteredOn(e -> e.path("type").asText().endsWith("caught-up"))
                .singleElement().satisfies(e -> assertThat(e.path("data").path("missedBecause").asText())
                        .isEqualTo("previous-running"));
        assertThat(schedulerCommandsOf(Set.of(SlotCommand.commandIdOf(TARGET,
                Instant.parse("2026-05-01T01:00:00Z")).toString()))).isEmpty();
    }

    private List<Scheduler> replicas(Cron cron, int count) {
        return IntStream.range(0, count).mapToObj(i -> new Scheduler(Map.of(TARGET, cron), store, publisher::publish,
                LATE_AFTER, Duration.ofHours(12), "replica-" + i)).toList();
    }

    /** Each replica looks at {@code t}, the next ones a few seconds later. */
    private static List<SlotCommand> tickAll(List<Scheduler> replicas, Instant t) {
        List<SlotCommand> published = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            published.addAll(replicas.get(i).tick(t.plusSeconds(7L * i)));
        }
        return published;
    }

    /** Waits until every published copy of the command has its job ended. */
    private void awaitEveryCopyEnded(String commandId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            long copies = schedulerCommandsOf(Set.of(commandId)).size();
            return copies > 0 && terminalEvents(commandId).size() == copies;
        });
    }

    private static List<JsonNode> terminalEvents(String commandId) {
        return events.ofCommand(commandId).stream().filter(e -> Events.TERMINAL.contains(e.path("type").asText()))
                .toList();
    }

    private static List<ConsumerRecord<String, byte[]>> schedulerCommandsOf(Set<String> commandIds) {
        return commands.matching(r -> TARGET.equals(r.key())
                && Events.tryParse(r.value()).filter(c -> commandIds.contains(c.path("commandId").asText())).isPresent());
    }

    /** The complete archives of the target whose manifest names the command. */
    private List<String> archivesOf(String commandId) {
        return store.archives(TARGET, 1000).stream()
                .filter(a -> a.problem() == null)
                .filter(a -> store.manifest(a.key()).filter(m -> m.commandId().equals(commandId)).isPresent())
                .map(a -> a.key())
                .toList();
    }
}
