package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;


/**
 * A worker that dies between any two steps of a job (the commit point written, the terminal event
 * out, the record finished, the offset committed) still leaves exactly one archive (or one applied
 * restore) and one terminal event per command: the worker is halted at each crash point by its
 * fault hook ({@code backup.faults.halt-at}), and a second worker of the group takes the command over.
 */
class CrashPointsIT {

    private static final String SOURCE = "it_crash";
    private static final String RESTORE = "it_crash_restore";
    private static final Duration HALT = Duration.ofSeconds(90);

    private static ProcessStack stack;
    private static Events events;
    private static Commands commands;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.start("crash", Map.of(SOURCE, true, RESTORE, false));
        events = stack.events();
        commands = stack.commands();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @ParameterizedTest(name = "halted {0}")
    @ValueSource(strings = { "after-manifest", "after-terminal-event", "after-record" })
    void aBackupInterruptedAtAnyStepEndsWithOneArchiveAndOneCompletedEvent(String point) throws Exception {
        // Given a worker that halts at the crash point
        String commandId = Commands.newCommandId();
        try (WorkerJvm a = worker("backup-" + point, point)) {
            // When it takes a backup and dies there
            commands.send("backup.commands", SOURCE, Commands.backup(commandId, SOURCE));
            assertThat(a.awaitExit(HALT)).isEqualTo(137);
        }
        // A's completed event, if it got out before the halt, is read before B starts
        int endedByA = point.equals("after-manifest") ? 0 : 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> terminalEvents(commandId) == endedByA);

        // Then another worker of the group finishes the command without a second archive
        try (WorkerJvm b = worker("backup-" + point + "-b", null)) {
            List<JsonNode> last = events.awaitJobEnd(commandId, terminalEvents(commandId));
            assertThat(last.get(0).path("source").asText()).isEqualTo("backup-worker/backup-" + point + "-b");
        }
        assertThat(count(commandId, "dev.shoehorn.backup.completed")).isEqualTo(1);
        assertThat(stack.manifestsOf(commandId)).hasSize(1);
    }

    /**
     * The crash point of restores alone: after the archive is applied and recorded, before any
     * event says so. The later points are the job template's, which backups and restores share.
     */
    @Test
    void aRestoreInterruptedAfterItsApplyIsResumedNotAppliedAgain() throws Exception {
        // Given a worker that halts once a restore is applied, and an archive of the source it made
        // (the crash point is a restore's: its backup runs through)
        String point = "after-apply";
        String commandId = Commands.newCommandId();
        try (WorkerJvm a = worker("restore-" + point, point)) {
            String backup = Commands.newCommandId();
            commands.send("backup.commands", SOURCE, Commands.backup(backup, SOURCE));
            assertThat(Events.types(events.awaitJobEnd(backup))).last().isEqualTo("dev.shoehorn.backup.completed");

            // When it restores and dies there
            commands.send("restore.commands", RESTORE, Commands.restore(commandId, RESTORE, SOURCE, "latest", null));
            assertThat(a.awaitExit(HALT)).isEqualTo(137);
        }

        // Then another worker finishes it: the archive applied once, one completed event
        try (WorkerJvm b = worker("restore-" + point + "-b", null)) {
            events.awaitJobEnd(commandId, terminalEvents(commandId));
        }
        // pg_restore ran once: one job started it; the other resumed after it or skipped
        assertThat(count(commandId, "dev.shoehorn.restore.started")).isEqualTo(1);
        assertThat(count(commandId, "dev.shoehorn.restore.completed")).isEqualTo(1);
        assertThat(DatabaseFingerprint.of(ProcessStack.PG, stack.database(RESTORE)))
                .isEqualTo(DatabaseFingerprint.of(ProcessStack.PG, stack.database(SOURCE)));
    }

    /** Terminal events of the command so far: the next one to wait for is the one after them. */
    private static int terminalEvents(String commandId) {
        return (int) events.ofCommand(commandId).stream()
                .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).count();
    }

    private static long count(String commandId, String type) {
        return events.ofCommand(commandId).stream().filter(e -> type.equals(e.path("type").asText())).count();
    }

    private static WorkerJvm worker(String name, String haltAt) throws Exception {
        Map<String, String> properties = stack.workerSettings(name);
        properties.put("backup.targets." + RESTORE + ".restorable", "true");
        properties.put("backup.targets." + RESTORE + ".allowed-sources", SOURCE);
        if (haltAt != null) {
            properties.put("backup.faults.halt-at", haltAt);
        }
        return stack.worker(name, properties);
    }
}
