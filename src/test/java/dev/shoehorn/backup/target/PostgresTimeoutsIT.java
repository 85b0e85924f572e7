package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.shoehorn.backup.it.TableLock;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.local.LocalPostgres;

/**
 * Every wait on the machine's PostgreSQL ends: a target with 1 s timeouts, a table another session
 * holds locked, and the worker's JDBC sessions and tools waiting for it.
 */
class PostgresTimeoutsIT {

    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();
    private static final String DB = "bw_timeouts_" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final Target target = new Target("timeouts",
            TestTargets.config(DB).timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    /** A lock timeout well inside the socket timeout, so that the lock timeout is what ends the wait. */
    private final Target lockBound = new Target("timeouts",
            TestTargets.config(DB).timeouts(Duration.ofSeconds(15), Duration.ofSeconds(1)));

    @BeforeAll
    static void aDatabaseWithATable() throws Exception {
        admin("CREATE DATABASE " + DB);
        try (Connection c = PG.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1)");
        }
    }

    @AfterAll
    static void dropIt() throws Exception {
        admin("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    @Test
    void aJdbcSessionStopsWaitingForALock() throws Exception {
        try (TableLock lock = TableLock.hold(PG, DB, "t"); Connection c = Postgres.connect(lockBound);
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM t")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("lock timeout");
        }
    }

    @Test
    void aJdbcSessionStopsWaitingForAReply() throws Exception {
        try (Connection c = Postgres.connect(target); Statement st = c.createStatement()) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> st.execute("SELECT pg_sleep(30)")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        }
    }

    @Test
    void aToolThatKeepsPgOptionsStopsWaitingForALock() throws Exception {
        // Given psql, as a migration command would run it
        try (TableLock lock = TableLock.hold(PG, DB, "t");
                ToolProcess psql = run(List.of("psql", "-X", "-c", "SELECT * FROM t"))) {

            // Then its wait ends: by lock_timeout from PGOPTIONS, or by the worker's watcher, which
            // gives up on a lock wait after the same time (which comes first is a race;
            // PgEnvironmentTest shows that PGOPTIONS carries the lock timeout)
            assertThat(exitWithin(psql)).isNotZero();
            assertThat(psql.diagnostics()).containsAnyOf("canceling statement due to lock timeout",
                    "canceling statement due to user request");
        }
    }

    @Test
    void pgDumpWhichResetsLockTimeoutIsCancelledByTheWorker() throws Exception {
        try (TableLock lock = TableLock.hold(PG, DB, "t");
                ToolProcess pgDump = run(List.of("pg_dump", "--no-password", "--table=t"))) {

            assertThat(exitWithin(pgDump)).isNotZero();
            assertThat(pgDump.diagnostics()).startsWith(
                    "backup-worker: cancelled a statement that waited longer than 1s for a lock");
        }
    }

    @Test
    void pgRestoreWhichResetsLockTimeoutIsCancelledByTheWorker(@TempDir Path dir) throws Exception {
        // Given an archive of the table, and the table locked by the application
        Path archive = dir.resolve("t.dump");
        try (ToolProcess pgDump = run(List.of("pg_dump", "--no-password", "--format=custom", "--table=t",
                "--file=" + archive))) {
            assertThat(exitWithin(pgDump)).isZero();
        }
        try (TableLock lock = TableLock.hold(PG, DB, "t");
                // When pg_restore would drop and re-create it
                ToolProcess pgRestore = run(List.of("pg_restore", "--no-password", "--clean", "--if-exists",
                        "--single-transaction", "--exit-on-error", "--dbname=" + DB, archive.toString()))) {

            // Then the worker ends its wait for the lock, and the restore fails
            assertThat(exitWithin(pgRestore)).isNotZero();
            assertThat(pgRestore.diagnostics()).startsWith(
                    "backup-worker: cancelled a statement that waited longer than 1s for a lock");
        }
    }

    private ToolProcess run(List<String> argv) throws Exception {
        return ToolProcess.start(argv, target, new Cancellation(), ToolProcess.Stdout.DISCARD);
    }

    private static int exitWithin(ToolProcess tool) {
        OptionalInt exit = tool.waitFor(BOUND);
        assertThat(exit).as("exited within " + BOUND).isPresent();
        return exit.getAsInt();
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = PG.connect("postgres"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
