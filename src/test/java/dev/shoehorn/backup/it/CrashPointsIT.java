package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.DemoDatabase;

/**
 * A worker that dies between any two steps of a job (the commit point written, the terminal event
 * out, the record finished, the offset committed), or in the middle of pg_restore, still leaves
 * exactly one archive (or one applied restore) and one terminal outcome per command, and never a
 * half-restored target: the worker is halted at each crash point by its fault hook (the halt file,
 * {@code backup.faults.halt-file}, armed for one command), or killed while pg_restore waits for
 * the rest of its archive, and a second worker of the group takes the command over.
 *
 * <p>The survivor of a case is the worker the next one crashes ({@link LiveWorker}): a case arms the
 * live worker and starts only the one that takes its command over.
 */
class CrashPointsIT {

    private static final String SOURCE = "it_crash";
    private static final String RESTORE = "it_crash_restore";
    private static final Duration HALT = Duration.ofSeconds(90);
    /** pg_restore's sessions on the target or a database beside it (other tests' workers share the server). */
    private static final String PG_RESTORE_SESSIONS = "select count(*) from pg_stat_activity"
            + " where application_name like 'backup-worker/pg_restore/%' and (datname = ? or datname like ? || '\\_%')";

    private static ProcessStack stack;
    private static Events events;
    private static Commands commands;
    private static StalledReads reads;
    private static Path haltFile;
    /** An archive of the source, made once: what every restore case restores. */
    private static String archive;
    private static LiveWorker workers;

    @BeforeAll
    static void start() throws Exception {
        reads = new StalledReads();
        stack = ProcessStack.start("crash", Map.of(SOURCE, true, RESTORE, false), reads::wrap);
        events = stack.events();
        commands = stack.commands();
        haltFile = Files.createTempFile("bw-crash-", ".halt");
        Files.delete(haltFile);
        workers = new LiveWorker(stack, "crash", CrashPointsIT::settings);
        String backup = Commands.newCommandId();
        commands.send("backup.commands", SOURCE, Commands.backup(backup, SOURCE));
        workers.get();
        List<JsonNode> job = events.awaitJobEnd(backup);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");
        archive = job.get(job.size() - 1).path("data").path("archive").path("key").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        workers.close();
        Files.deleteIfExists(haltFile);
        try (Connection c = ProcessStack.PG.connect("postgres")) {
            for (String left : databasesBeside(c, stack.database(RESTORE))) {
                DemoDatabase.drop(ProcessStack.PG, left);
            }
        }
        stack.close();
    }

    /**
     * A backup halted once its manifest, its commit point, is written. Its other crash points (after
     * the terminal event, after the record) are the job template's, the same code for every kind:
     * they run with restores below, where halting there costs the same.
     */
    @Test
    void aBackupHaltedAfterItsCommitPointEndsWithOneArchiveAndOneCompletedEvent() throws Exception {
        String point = "after-manifest";
        // Given a worker that halts at the crash point for one backup
        String commandId = Commands.newCommandId();
        WorkerJvm a = workers.get();
        arm(point, commandId);

        // When it takes that backup and dies there
        commands.send("backup.commands", SOURCE, Commands.backup(commandId, SOURCE));
        Instant halted = halted(a);
        // A ended nothing: its completed event was never sent
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> terminalEvents(commandId) == 0);

        // Then another worker of the group finishes the command without a second archive
        WorkerJvm b = workers.get();
        List<JsonNode> last = events.awaitJobEnd(commandId, terminalEvents(commandId));
        assertThat(last.get(0).path("source").asText()).isEqualTo("backup-worker/" + b.name());
        report("backup halted " + point, halted, last);
        assertThat(count(commandId, "dev.shoehorn.backup.completed")).isEqualTo(1);
        assertThat(stack.manifestsOf(commandId)).hasSize(1);
    }

    /**
     * A restore halted at each of its crash points: before its work, once the archive is applied
     * and recorded (over the target, or swapped in), after its terminal event, after its record.
     * Only the apply is done differently in each mode, and runs in both; the other points are the
     * job template's, the same in either mode, and run in one each.
     */
    @ParameterizedTest(name = "{1}, halted {0}")
    @CsvSource({ "before-work, swap", "after-apply, single-transaction", "after-apply, swap",
            "after-terminal-event, single-transaction", "after-record, swap" })
    void aRestoreHaltedAtAnyStepIsAppliedOnceAndEndsOnce(String point, String mode) throws Exception {
        // Given a target that holds other rows than the archive, and a worker that halts at the crash
        // point for one restore of it
        String commandId = Commands.newCommandId();
        resetTarget();
        WorkerJvm a = workers.get();
        arm(point, commandId);

        // When it restores the archive and dies there
        commands.send("restore.commands", RESTORE, Commands.restore(commandId, RESTORE, SOURCE, archive, null,
                false, mode));
        Instant halted = halted(a);

        // Then another worker finishes the command: pg_restore ran once, one completed event, the
        // target equal to the archive, nothing left beside it
        WorkerJvm b = workers.get();
        List<JsonNode> last = events.awaitJobEnd(commandId, terminalEvents(commandId));
        assertThat(last.get(0).path("source").asText()).isEqualTo("backup-worker/" + b.name());
        report("restore (" + mode + ") halted " + point, halted, last);
        assertThat(count(commandId, "dev.shoehorn.restore.started")).isEqualTo(1);
        assertThat(count(commandId, "dev.shoehorn.restore.completed")).isEqualTo(1);
        assertRestoredOnce();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "single-transaction", "swap" })
    void aRestoreKilledMidPgRestoreLeavesTheTargetAsItWasUntilAnotherWorkerRestoresIt(String mode)
            throws Exception {
        // Given a target that holds other rows than the archive, and the archive's next download
        // held before its last byte, so that pg_restore has had part of it and waits for the rest
        String commandId = Commands.newCommandId();
        Map<String, String> before = resetTarget();
        WorkerJvm a = workers.get();
        Instant killed;
        try (StalledReads.Stall stall = reads.stall(archive)) {
            // When the worker restoring it is killed there
            commands.send("restore.commands", RESTORE, Commands.restore(commandId, RESTORE, SOURCE, archive, null,
                    false, mode));
            stall.awaitReached(Duration.ofSeconds(60));
            // (the restore's record names the archive it reads: what retention keeps while it runs)
            JsonNode record = stack.record("/.commands/restore/" + RESTORE + "/" + commandId + ".json");
            assertThat(record.path("state").asText()).isEqualTo("CLAIMED");
            assertThat(record.path("archiveKey").asText()).isEqualTo(archive);
            await().atMost(Duration.ofSeconds(30)).until(() -> pgRestoreHasWritten(mode));
            a.kill();
            killed = Instant.now();
        }

        // Then pg_restore, its input gone, ends without committing: the target is as it was
        await().atMost(Duration.ofSeconds(30)).until(() -> pgRestoreSessions("") == 0);
        assertThat(DatabaseFingerprint.of(ProcessStack.PG, stack.database(RESTORE))).isEqualTo(before);

        // And another worker restores it, once, and drops what the killed one left beside it
        WorkerJvm b = workers.get();
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.restore.completed");
        assertThat(job.get(0).path("source").asText()).isEqualTo("backup-worker/" + b.name());
        report("restore (" + mode + ") killed mid-pg_restore", killed, job);
        assertThat(count(commandId, "dev.shoehorn.restore.completed")).isEqualTo(1);
        assertRestoredOnce();
    }

    /** The target holds the demo schema with rows of its own: neither empty nor the archive's. */
    private static Map<String, String> resetTarget() throws Exception {
        String database = stack.database(RESTORE);
        DemoDatabase.drop(ProcessStack.PG, database);
        DemoDatabase.ensureDemo(ProcessStack.PG, database);
        Map<String, String> fingerprint = DatabaseFingerprint.of(ProcessStack.PG, database);
        assertThat(fingerprint).isNotEqualTo(DatabaseFingerprint.of(ProcessStack.PG, stack.database(SOURCE)));
        return fingerprint;
    }

    private static void assertRestoredOnce() throws Exception {
        assertThat(DatabaseFingerprint.of(ProcessStack.PG, stack.database(RESTORE)))
                .isEqualTo(DatabaseFingerprint.of(ProcessStack.PG, stack.database(SOURCE)));
        try (Connection c = ProcessStack.PG.connect("postgres")) {
            assertThat(databasesBeside(c, stack.database(RESTORE))).isEmpty();
        }
    }

    /**
     * Whether pg_restore has changed the database it restores into: over the target, its one
     * transaction has written (uncommitted, invisible to others); in swap mode, the fresh
     * database holds tables.
     */
    private static boolean pgRestoreHasWritten(String mode) throws Exception {
        if (mode.equals("single-transaction")) {
            return pgRestoreSessions(" and backend_xid is not null") > 0;
        }
        try (Connection c = ProcessStack.PG.connect("postgres")) {
            for (String fresh : databasesBeside(c, stack.database(RESTORE))) {
                try (Connection f = ProcessStack.PG.connect(fresh); PreparedStatement st = f.prepareStatement(
                        "select count(*) from pg_tables where schemaname = 'public'"); ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            }
        }
        return false;
    }

    /** Databases a swap puts beside the target ({@code <db>_restore_<job>}, {@code <db>_before_<job>}). */
    private static List<String> databasesBeside(Connection c, String database) throws Exception {
        List<String> found = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("select datname from pg_database"
                + " where datname like ? || '\\_restore\\_%' or datname like ? || '\\_before\\_%'")) {
            st.setString(1, database);
            st.setString(2, database);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private static int pgRestoreSessions(String condition) throws Exception {
        try (Connection c = ProcessStack.PG.connect("postgres");
                PreparedStatement st = c.prepareStatement(PG_RESTORE_SESSIONS + condition)) {
            st.setString(1, stack.database(RESTORE));
            st.setString(2, stack.database(RESTORE));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Terminal events of the command so far: the next one to wait for is the one after them. */
    private static int terminalEvents(String commandId) {
        return (int) events.ofCommand(commandId).stream()
                .filter(e -> Events.TERMINAL.contains(e.path("type").asText())).count();
    }

    private static long count(String commandId, String type) {
        return events.ofCommand(commandId).stream().filter(e -> type.equals(e.path("type").asText())).count();
    }

    /** Every worker reads the halt file at its crash points: this one halts the worker that reaches {@code point} for the command. */
    private static void arm(String point, String commandId) throws Exception {
        Path next = Files.writeString(haltFile.resolveSibling(haltFile.getFileName() + ".next"),
                point + " " + commandId);
        Files.move(next, haltFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits for the armed worker to halt, then disarms, so that the worker taking over goes through the point. */
    private static Instant halted(WorkerJvm worker) throws Exception {
        assertThat(worker.awaitExit(HALT)).isEqualTo(137);
        Instant halted = Instant.now();
        Files.delete(haltFile);
        return halted;
    }

    /** Recovery time, from the crash to the command's end by the next worker (its start-up most of it). */
    private static void report(String what, Instant crashed, List<JsonNode> job) {
        Instant ended = Instant.parse(job.get(job.size() - 1).path("time").asText());
        System.out.printf("CrashPointsIT: %s: %s %d ms after the crash%n", what,
                job.get(job.size() - 1).path("type").asText(), Duration.between(crashed, ended).toMillis());
    }

    private static Map<String, String> settings(String name) {
        Map<String, String> properties = stack.workerSettings(name);
        properties.put("backup.targets." + RESTORE + ".restorable", "true");
        properties.put("backup.targets." + RESTORE + ".allowed-sources", SOURCE);
        properties.put("backup.faults.halt-file", haltFile.toString());
        // a swap's displaced database is dropped once the swap is recorded: all that may stay beside
        // the target is what a crash left, and nothing of that may stay either
        properties.put("backup.restore.keep-before", "0");
        return properties;
    }
}
