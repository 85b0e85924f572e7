package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.schedule.SlotCommand;

/**
 * Exactly once across replicas, with no coordinator, on the scheduler loop of real workers: three
 * worker processes, each with its scheduler on, share one clock ({@code backup.faults.clock-file})
 * that the test steps to just before each slot, so that no test waits for cron time. Every replica
 * publishes every slot's command under the slot's one commandId; one backup runs, the other copies
 * end {@code skipped}.
 */
class ScheduleReplicasIT {

    private static final String TARGET = "it_replicas";
    private static final int REPLICAS = 3;
    /**
     * Where the clock starts: before the first slot by more than the workers' start-up, and after the
     * slot before by more than the lateness allowance (so that a new schedule does not run it). In the
     * past of the wall clock: retention, which runs after each backup on this clock, then finds every
     * archive and record young.
     */
    private static final Instant START = Instant.parse("2026-03-27T12:00:00Z");
    /** Nightly 02:30 in Berlin, over the night of 2026-03-29, which skips 02:00–03:00. */
    private static final List<Instant> SLOTS = List.of(Instant.parse("2026-03-28T01:30:00Z"), // 02:30 CET
            Instant.parse("2026-03-29T01:00:00Z"), // the skipped 02:30 runs at the jump to 03:00 CEST
            Instant.parse("2026-03-30T00:30:00Z")); // 02:30 CEST
    private static final Instant NOT_REACHED = Instant.parse("2026-03-31T00:30:00Z");
    /** The replicas look at the clock every second ({@code backup.schedule.tick}). */
    private static final Duration TICK = Duration.ofSeconds(1);

    private static ProcessStack stack;
    private static Events events;
    private static TopicTail commands;
    private static Path clock;
    private static final List<WorkerJvm> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.start("replicas", Map.of(TARGET, true));
        events = stack.events();
        commands = new TopicTail(stack.kafka().bootstrapServers(), "backup.commands");
        clock = Files.createTempFile("bw-replicas-", ".clock");
        setClock(START);
        for (int i = 1; i <= REPLICAS; i++) {
            replicas.add(stack.worker("replica-" + i, settings("replica-" + i)));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        WorkerJvm.terminateAll(replicas);
        if (commands != null) {
            commands.close();
        }
        Files.deleteIfExists(clock);
        stack.close();
    }

    @Test
    void threeWorkerProcessesMakeOneBackupPerSlotEveryNightAcrossSpringForward() throws Exception {
        // Given three workers whose schedulers each watch a nightly 02:30 Berlin schedule, on a clock set
        // to the day before the spring-forward night
        for (WorkerJvm replica : replicas) {
            await().atMost(Duration.ofSeconds(120)).until(() -> replica.output()
                    .contains("target=" + TARGET + " stage=schedule-"));
        }

        // When the clock is stepped to just before each of three nights' slots, one night after the other
        for (Instant slot : SLOTS) {
            setClock(slot.minusSeconds(2));
            awaitEveryCopyEnded(slot);
        }
        // and then to just before a fourth night's, which it does not reach while the replicas look
        setClock(NOT_REACHED.minusSeconds(30));
        await().during(TICK.multipliedBy(3)).atMost(TICK.multipliedBy(5))
                .until(() -> copiesOf(NOT_REACHED).isEmpty());

        // Then every replica published every slot, with the slot's one commandId, and no other slot
        for (WorkerJvm replica : replicas) {
            assertThat(publishedSlots(replica)).as(replica.name()).containsExactlyElementsOf(SLOTS);
        }
        assertThat(commands.records()).hasSize(REPLICAS * SLOTS.size());
        for (Instant slot : SLOTS) {
            String commandId = SlotCommand.commandIdOf(TARGET, slot).toString();
            // each copy the scheduler's, naming the slot
            assertThat(copiesOf(slot)).hasSize(REPLICAS).allSatisfy(copy -> {
                assertThat(copy.path("requestedBy").asText()).isEqualTo("scheduler");
                assertThat(copy.path("reason").asText()).contains(slot.toString());
                assertThat(copy.path("schedule").path("slot").asText()).isEqualTo(slot.toString());
            });
            // and one backup ran: one completed job, the other copies skipped naming it
            Events.assertRanOnce(terminalEvents(commandId), REPLICAS, "slot " + slot);
            assertThat(stack.manifestsOf(commandId)).as("archives of slot " + slot).hasSize(1);
        }
        // and no backup besides: one archive a slot
        assertThat(stack.objectKeys()).filteredOn(k -> k.endsWith(".manifest.json")).hasSize(SLOTS.size());
        assertThat(events.all()).filteredOn(e -> e.path("type").asText().equals("dev.shoehorn.backup.completed"))
                .hasSize(SLOTS.size());
    }

    /** The slots a replica's scheduler says it published, in order. */
    private static List<Instant> publishedSlots(WorkerJvm replica) throws Exception {
        return replica.output().lines().filter(l -> l.contains("target=" + TARGET + " stage=slot-published"))
                .map(l -> Instant.parse(l.replaceAll(".* slot=(\\S+).*", "$1"))).toList();
    }

    /** Waits until every replica's copy of the slot's command is on the topic and its job has ended. */
    private static void awaitEveryCopyEnded(Instant slot) {
        String commandId = SlotCommand.commandIdOf(TARGET, slot).toString();
        await().atMost(Duration.ofSeconds(90)).until(() -> copiesOf(slot).size() == REPLICAS
                && terminalEvents(commandId).size() == REPLICAS);
    }

    /** The published copies of the slot's command. */
    private static List<JsonNode> copiesOf(Instant slot) {
        String commandId = SlotCommand.commandIdOf(TARGET, slot).toString();
        return commands.records().stream().map(r -> Events.tryParse(r.value())).flatMap(java.util.Optional::stream)
                .filter(c -> commandId.equals(c.path("commandId").asText())).toList();
    }

    private static List<JsonNode> terminalEvents(String commandId) {
        return events.ofCommand(commandId).stream().filter(e -> Events.TERMINAL.contains(e.path("type").asText()))
                .toList();
    }

    /** Every replica reads the file at each look: writing it anew steps their clock to {@code at}. */
    private static void setClock(Instant at) throws Exception {
        Path next = Files.writeString(clock.resolveSibling(clock.getFileName() + ".next"), at.toString());
        Files.move(next, clock, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, String> settings(String name) {
        Map<String, String> properties = stack.workerSettings(name);
        properties.put("backup.schedule.enabled", "true");
        properties.put("backup.schedule.tick", TICK.toSeconds() + "s");
        properties.put("backup.faults.clock-file", clock.toString());
        properties.put("backup.targets." + TARGET + ".schedule", "30 2 * * *");
        properties.put("backup.targets." + TARGET + ".schedule-zone", "Europe/Berlin");
        return properties;
    }
}
