package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.contract.ContractSchemas;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.restore.SwapRestore;
import dev.shoehorn.backup.restore.SwapSweeper;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetLock;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Restore mode swap end to end: the archive restored into a fresh database beside the target,
 * checked there and swapped in by rename; failures before the swap; rollbacks; the sweeper; and
 * the per-target lock that must outlive the swap. Every database a test puts beside the targets
 * is dropped after it.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class SwapRestoreIT {

    private static final LocalPostgres PG = WorkerStack.postgres();
    private static final String R = WorkerStack.RESTORE_DB;
    private static final String P = WorkerStack.PROTECTED_DB;

    private static Events events;
    private static Commands commands;
    private static S3Client s3;
    private static ArchiveCopies copies;
    private static ContractSchemas schemas;

    @Inject
    SwapSweeper sweeper;

    @Inject
    SwapRestore swaps;

    @Inject
    TargetLock locks;

    @Inject
    TargetRegistry targets;

    @BeforeAll
    static void backUpTheSource() {
        events = new Events(WorkerStack.bootstrapServers());
        commands = new Commands(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
        schemas = ContractSchemas.load();
        String commandId = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
        List<JsonNode> backup = events.awaitJobEnd(commandId);
        assertThat(Events.types(backup)).last().isEqualTo("dev.shoehorn.backup.completed");
        copies = new ArchiveCopies(s3, backup.get(backup.size() - 1).path("data").path("archive").path("key").asText());
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        commands.close();
        s3.close();
    }

    /** Each test starts from empty targets, whatever the one before left in them. */
    @BeforeEach
    void emptyTargets() throws SQLException {
        for (String database : List.of(R, P)) {
            DemoDatabase.drop(PG, database);
            DemoDatabase.ensureEmpty(PG, database);
        }
    }

    @AfterEach
    void dropWhatWasPutBesideTheTargets() throws SQLException {
        for (String database : List.of(R, P)) {
            for (String beside : beside(database)) {
                admin("DROP DATABASE " + beside + " WITH (FORCE)");
            }
            admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
    }

    @Test
    void aSwapMakesTheTargetHoldExactlyTheArchiveAndKeepsTheOldDatabase() throws Exception {
        // Given a target with content of its own, among it a table the archive does not have
        sql(R, "CREATE TABLE only_in_target (id int); INSERT INTO only_in_target VALUES (1)");
        Map<String, String> before = DatabaseFingerprint.of(PG, R);

        // When the source's latest archive is swapped in
        List<JsonNode> job = restore(WorkerStack.RESTORE, "latest", null, false, "swap");

        // Then every stage is reported, the checks before the swap, and the old database is named as kept
        assertThat(Events.types(job)).containsSubsequence("dev.shoehorn.restore.accepted",
                "dev.shoehorn.restore.started", "dev.shoehorn.restore.verified", "dev.shoehorn.restore.applied",
                "dev.shoehorn.restore.rls-verified", "dev.shoehorn.restore.completed");
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.restore.completed");
        assertThat(job.get(0).path("data").path("mode").asText()).isEqualTo("swap");
        String kept = R + "_before_" + jobId(job).substring(0, 8);
        assertThat(last(job).path("data").path("keptDatabase").asText()).isEqualTo(kept);

        // And the target holds exactly the source's tables and rows: its own table is gone
        assertThat(DatabaseFingerprint.of(PG, R)).isEqualTo(DatabaseFingerprint.of(PG, WorkerStack.SOURCE_DB))
                .doesNotContainKey("only_in_target");

        // And the old database is kept as it was, and nothing else is left beside the target
        assertThat(DatabaseFingerprint.of(PG, kept)).isEqualTo(before);
        assertThat(beside(R)).containsExactly(kept);
    }

    @Test
    void aTableOnlyInTheTargetSurvivesSingleTransactionModeButNotSwapMode() throws Exception {
        // Given a target with a table the archive does not have
        sql(R, "CREATE TABLE only_in_target (id int); INSERT INTO only_in_target VALUES (1)");
        Map<String, String> source = DatabaseFingerprint.of(PG, WorkerStack.SOURCE_DB);

        // When the archive is restored in single-transaction mode
        assertCompleted(restore(WorkerStack.RESTORE, "latest", null, false, "single-transaction"));

        // Then the archive's tables equal the source's, and the target's own table is still there:
        // pg_restore --clean drops only what the archive has
        Map<String, String> afterSingle = DatabaseFingerprint.of(PG, R);
        assertThat(afterSingle).containsKey("only_in_target");
        afterSingle.remove("only_in_target");
        assertThat(afterSingle).isEqualTo(source);

        // When the same archive is swapped in
        assertCompleted(restore(WorkerStack.RESTORE, "latest", null, false, "swap"));

        // Then the target holds exactly the archive
        assertThat(DatabaseFingerprint.of(PG, R)).isEqualTo(source);
    }

    @Test
    void aCorruptArchiveFailsBeforeTheSwapAndLeavesTheTargetAsItWas() throws Exception {
        // Given a target with data, and an archive whose bytes no longer match its manifest
        sql(R, "CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)");
        Map<String, String> before = DatabaseFingerprint.of(PG, R);
        byte[] dump = copies.bytes();
        dump[dump.length / 2] ^= 0x5A;
        String tampered = copies.copy(dump, "20000102_000001");

        // When it is swapped in
        List<JsonNode> job = restore(WorkerStack.RESTORE, tampered, null, false, "swap");

        // Then the job fails as corrupt, the target is untouched and the fresh database is gone
        assertFailedBeforeTheSwap(job, "ARCHIVE_CORRUPT", R, before);
    }

    @Test
    void aFailingMigrationFailsBeforeTheSwapAndLeavesTheTargetAsItWas() throws Exception {
        // Given a protected target with data, whose configured migration fails
        sql(P, "CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)");
        Map<String, String> before = DatabaseFingerprint.of(PG, P);

        // When the archive is swapped in with migrations
        List<JsonNode> job = restore(WorkerStack.PROTECTED, "latest", WorkerStack.PROTECTED, true, "swap");

        // Then the migration ran on the fresh database and failed the job there, before the swap
        JsonNode failed = assertFailedBeforeTheSwap(job, "MIGRATION_FAILED", P, before);
        assertThat(failed.path("data").path("error").path("message").asText()).contains("migration 42 failed");
        assertThat(Events.types(job)).contains("dev.shoehorn.restore.applied")
                .doesNotContain("dev.shoehorn.restore.rls-verified");
    }

    @Test
    void aTableThatLostRowLevelSecurityFailsBeforeTheSwapAndLeavesTheTargetAsItWas() throws Exception {
        // Given a target with data, and an archive whose manifest expects row-level security the restore lacks
        sql(R, "CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)");
        Map<String, String> before = DatabaseFingerprint.of(PG, R);
        String key = copies.copy(copies.bytes(), "20000102_000002",
                m -> m.withArray("rlsTables").add("public.schema_migrations"));

        // When it is swapped in
        List<JsonNode> job = restore(WorkerStack.RESTORE, key, null, false, "swap");

        // Then the check fails on the fresh database and the target is untouched
        JsonNode failed = assertFailedBeforeTheSwap(job, "RLS_MISSING", R, before);
        assertThat(failed.path("data").path("error").path("message").asText()).contains("public.schema_migrations");
    }

    @Test
    void aLiveSessionOnTheTargetIsEndedAndTheSwapCompletes() throws Exception {
        // Given a client in the middle of a transaction on the target
        sql(R, "CREATE TABLE busy (id int)");
        try (Connection client = PG.connect(R)) {
            client.setAutoCommit(false);
            try (Statement st = client.createStatement()) {
                st.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
            }

            // When the archive is swapped in
            List<JsonNode> job = restore(WorkerStack.RESTORE, "latest", null, false, "swap");

            // Then the swap completed and the client's session was ended
            assertCompleted(job);
            assertThatThrownBy(() -> {
                try (Statement st = client.createStatement()) {
                    st.execute("select 1");
                }
            }).isInstanceOf(SQLException.class);
        }

        // And the target takes new sessions again and holds the archive
        assertThat(DatabaseFingerprint.of(PG, R)).isEqualTo(DatabaseFingerprint.of(PG, WorkerStack.SOURCE_DB));
    }

    @Test
    void ownerSettingsGrantsCommentAndConnectionLimitAreCarriedOver() throws Exception {
        String owner = R + "_owner";
        String reader = R + "_reader";
        String viewer = R + "_viewer";
        try {
            // Given a target with an owner, settings of its own and of a role, grants (one by a
            // grantee with grant option), a comment and a connection limit
            admin("CREATE ROLE " + owner, "CREATE ROLE " + reader, "CREATE ROLE " + viewer,
                    "ALTER DATABASE " + R + " OWNER TO " + owner,
                    "ALTER DATABASE " + R + " SET work_mem = '7MB'",
                    "ALTER DATABASE " + R + " SET search_path = app, \"Mixed Case\", public",
                    "ALTER DATABASE " + R + " SET app.tenant = 'it''s acme'",
                    "ALTER ROLE " + reader + " IN DATABASE " + R + " SET statement_timeout = '9s'",
                    "REVOKE TEMPORARY ON DATABASE " + R + " FROM PUBLIC",
                    "GRANT CONNECT ON DATABASE " + R + " TO " + reader + " WITH GRANT OPTION",
                    "GRANT CREATE ON DATABASE " + R + " TO " + reader,
                    "SET ROLE " + reader, "GRANT CONNECT ON DATABASE " + R + " TO " + viewer, "RESET ROLE",
                    "COMMENT ON DATABASE " + R + " IS 'the staging copy'",
                    "ALTER DATABASE " + R + " CONNECTION LIMIT 40");
            Map<String, String> before = identity(R);
            assertThat(before.get("settings")).contains("7MB", "Mixed Case", "it's acme", reader);
            assertThat(before.get("grants")).contains(reader + ">" + viewer);

            // When the archive is swapped in
            assertCompleted(restore(WorkerStack.RESTORE, "latest", null, false, "swap"));

            // Then the new database is the target in all of them
            assertThat(identity(R)).isEqualTo(before);
        } finally {
            // the roles can go only once no database refers to them
            dropWhatWasPutBesideTheTargets();
            emptyTargets();
            admin("DROP ROLE IF EXISTS " + viewer, "DROP ROLE IF EXISTS " + reader, "DROP ROLE IF EXISTS " + owner);
        }
    }

    @Test
    void migrationsOnTheFreshDatabaseSeeTheTargetsDatabaseSettings() throws Exception {
        // Given a target with a database-level setting its application (and migrations) rely on
        admin("ALTER DATABASE " + R + " SET app.stage = 'staging'");

        // When the archive is swapped in with the target's migration, which records the setting it saw
        assertCompleted(restore(WorkerStack.RESTORE, "latest", null, true, "swap"));

        // Then the migration ran on the fresh database under the target's settings
        try (Connection c = PG.connect(R); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select stage from migrated")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("staging");
        }
    }

    @Test
    void aRollbackBringsBackWhatTheSwapReplacedAndCanBeRolledBackItself() throws Exception {
        // Given a target whose content of its own a swap replaced with the archive
        sql(R, "CREATE TABLE only_in_target (id int); INSERT INTO only_in_target VALUES (42)");
        Map<String, String> before = DatabaseFingerprint.of(PG, R);
        Map<String, String> source = DatabaseFingerprint.of(PG, WorkerStack.SOURCE_DB);
        String swapJob = jobId(assertCompleted(restore(WorkerStack.RESTORE, "latest", null, false, "swap")));

        // When that swap is rolled back, named by the first 8 hex digits of its job
        List<JsonNode> rollback = rollback(WorkerStack.RESTORE, swapJob.substring(0, 8), null);

        // Then the target holds its own content again, and the archive's database is kept in turn
        assertThat(Events.types(rollback)).containsExactly("dev.shoehorn.restore.accepted",
                "dev.shoehorn.restore.completed");
        assertThat(rollback.get(0).path("data").path("rollbackOf").asText()).isEqualTo(swapJob.substring(0, 8));
        String keptByRollback = R + "_before_" + jobId(rollback).substring(0, 8);
        assertThat(last(rollback).path("data").path("keptDatabase").asText()).isEqualTo(keptByRollback);
        assertThat(DatabaseFingerprint.of(PG, R)).isEqualTo(before);
        assertThat(DatabaseFingerprint.of(PG, keptByRollback)).isEqualTo(source);

        // And rolling back the rollback, by its full job id, brings the archive back
        assertCompleted(rollback(WorkerStack.RESTORE, jobId(rollback), null));
        assertThat(DatabaseFingerprint.of(PG, R)).isEqualTo(source);
    }

    @Test
    void aRollbackGoesThroughTheGuardRailsAndFailsWithoutAKeptDatabase() throws Exception {
        // Given a protected target and a target with data, neither with a kept database
        sql(R, "CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)");
        Map<String, String> before = DatabaseFingerprint.of(PG, R);

        // When a rollback names the protected target without confirm
        String refused = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.PROTECTED,
                Commands.rollback(refused, WorkerStack.PROTECTED, "0a1b2c3d", null));

        // Then it is refused like any restore of it
        List<JsonNode> rejected = events.awaitJobEnd(refused);
        assertThat(Events.types(rejected)).containsExactly("dev.shoehorn.restore.rejected");
        assertThat(rejected.get(0).path("data").path("error").path("code").asText())
                .isEqualTo("CONFIRMATION_REQUIRED");

        // When a rollback names a job that kept nothing
        List<JsonNode> job = rollback(WorkerStack.RESTORE, UUID.randomUUID().toString(), null);

        // Then it fails, and the target is as it was
        assertFailedBeforeTheSwap(job, "KEPT_DATABASE_NOT_FOUND", R, before);
    }

    @Test
    void swapDoneTellsARedeliveryWhetherTheJobsSwapHappened() throws Exception {
        // Given a completed swap, and a database named like a kept one that no swap made
        String swapJob = jobId(assertCompleted(restore(WorkerStack.RESTORE, "latest", null, false, "swap")));
        String impostorJob = UUID.randomUUID().toString();
        admin("CREATE DATABASE " + R + "_before_" + impostorJob.substring(0, 8));
        Target target = targets.find(WorkerStack.RESTORE).orElseThrow();

        // Then the swap's job is known to have swapped, the others not
        assertThat(swaps.swapDone(target, swapJob)).isTrue();
        assertThat(swaps.swapDone(target, impostorJob)).isFalse();
        assertThat(swaps.swapDone(target, UUID.randomUUID().toString())).isFalse();
    }

    @Test
    void theSweeperDropsExpiredDatabasesOfTheWorkerAndNothingElse() throws Exception {
        // Given databases beside the target: kept ones old and young, a fresh one of a job that died
        // long ago and one of a recent job, and some that only look like the worker's
        Instant now = Instant.now();
        String oldKept = besideWithMarker("_before_", "aaaaaaaa", "kept", R, now.minus(Duration.ofHours(25)));
        String youngKept = besideWithMarker("_before_", "bbbbbbbb", "kept", R, now.minus(Duration.ofHours(1)));
        String deadFresh = besideWithMarker("_restore_", "cccccccc", "restoring", R, now.minus(Duration.ofHours(13)));
        String recentFresh = besideWithMarker("_restore_", "dddddddd", "restoring", R, now.minus(Duration.ofHours(1)));
        String noMarker = R + "_before_eeeeeeee";
        admin("CREATE DATABASE " + noMarker, "COMMENT ON DATABASE " + noMarker + " IS 'a copy someone made by hand'");
        String otherTarget = besideWithMarker("_before_", "ffffffff", "kept", P, now.minus(Duration.ofHours(25)));
        String otherJob = R + "_before_abababab";
        admin("CREATE DATABASE " + otherJob, "COMMENT ON DATABASE " + otherJob + " IS '"
                + marker("kept", R, "cdcdcdcd", now.minus(Duration.ofDays(2)), false) + "'");

        // When the sweeper runs
        sweeper.sweep();

        // Then only the kept database past keep-before (24h) and the fresh one past the job timeout (12h) are gone
        assertThat(beside(R)).containsExactlyInAnyOrder(youngKept, recentFresh, noMarker, otherJob, otherTarget)
                .doesNotContain(oldKept, deadFresh);
    }

    @Test
    void aTargetLeftBlockedByASwapThatDiedIsOpenedAgainByTheSweeper() throws Exception {
        // Given a target whose connections a swap switched off before its worker died mid-swap
        String fresh = R + "_restore_abcdef01";
        admin("CREATE DATABASE " + fresh, "COMMENT ON DATABASE " + fresh + " IS '"
                + marker("restoring", R, "abcdef01", Instant.now(), true) + "'",
                "ALTER DATABASE " + R + " ALLOW_CONNECTIONS false");

        // When the sweeper runs
        sweeper.sweep();

        // Then the target takes connections again, and the young fresh database is left for its timeout
        try (Connection c = PG.connect(R)) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(beside(R)).containsExactly(fresh);
    }

    @Test
    void theTargetLockLivesOnTheMaintenanceDatabaseAndIsPerTargetDatabase() throws Exception {
        Target restore = targets.find(WorkerStack.RESTORE).orElseThrow();
        Target protectedTarget = targets.find(WorkerStack.PROTECTED).orElseThrow();
        // Given the lock of one target held
        try (TargetLock.Held held = locks.acquire(restore, "it-lock", new Cancellation())) {
            // When every session on that target's database is ended, as a swap does
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + R + "'");

            // Then the lock is still held, by a session on the maintenance database
            assertThat(locks.tryAcquire(restore)).isEmpty();
            assertThat(advisoryLockDatabases()).contains("postgres").doesNotContain(R);

            // And another target of the same server is not blocked by it
            Optional<TargetLock.Held> other = locks.tryAcquire(protectedTarget);
            assertThat(other).isPresent();
            other.get().close();
        }
        Optional<TargetLock.Held> released = locks.tryAcquire(restore);
        assertThat(released).isPresent();
        released.get().close();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static List<JsonNode> restore(String target, String archive, String confirm, boolean migrate,
            String mode) {
        String commandId = Commands.newCommandId();
        commands.send("restore.commands", target,
                Commands.restore(commandId, target, WorkerStack.SOURCE, archive, confirm, migrate, mode));
        return contractChecked(events.awaitJobEnd(commandId));
    }

    private static List<JsonNode> rollback(String target, String rollbackOf, String confirm) {
        String commandId = Commands.newCommandId();
        commands.send("restore.commands", target, Commands.rollback(commandId, target, rollbackOf, confirm));
        return contractChecked(events.awaitJobEnd(commandId));
    }

    /** Every event of the job passes the envelope's and its type's schemas. */
    private static List<JsonNode> contractChecked(List<JsonNode> job) {
        assertThat(job.stream().flatMap(e -> schemas.validateEvent(e.toString()).stream()).toList()).isEmpty();
        return job;
    }

    private static List<JsonNode> assertCompleted(List<JsonNode> job) {
        assertThat(Events.types(job)).last().as(last(job).toString()).isEqualTo("dev.shoehorn.restore.completed");
        return job;
    }

    /** The job failed with {@code code}, says the target is unchanged, and is: content, connections, nothing left beside. */
    private static JsonNode assertFailedBeforeTheSwap(List<JsonNode> job, String code, String database,
            Map<String, String> before) throws SQLException {
        JsonNode failed = last(job);
        assertThat(failed.path("type").asText()).isEqualTo("dev.shoehorn.restore.failed");
        assertThat(failed.path("data").path("error").path("code").asText()).isEqualTo(code);
        assertThat(failed.path("data").path("mode").asText()).isEqualTo("swap");
        assertThat(failed.path("data").path("targetChanged").isBoolean()).isTrue();
        assertThat(failed.path("data").path("targetChanged").asBoolean()).isFalse();
        assertThat(DatabaseFingerprint.of(PG, database)).isEqualTo(before);
        assertThat(beside(database)).isEmpty();
        return failed;
    }

    private static String jobId(List<JsonNode> job) {
        return job.get(0).path("data").path("jobId").asText();
    }

    private static JsonNode last(List<JsonNode> job) {
        return job.get(job.size() - 1);
    }

    /** The marker the worker writes into a database's comment, as the contract of its own databases. */
    private static String marker(String role, String database, String shortJob, Instant at, boolean blocked) {
        return "{\"backupWorker\":\"" + role + "\",\"database\":\"" + database + "\",\"job\":\"" + shortJob
                + "-1111-4111-8111-111111111111\",\"command\":\"" + UUID.randomUUID() + "\",\"at\":\"" + at + "\""
                + (blocked ? ",\"blocked\":true}" : "}");
    }

    private static String besideWithMarker(String infix, String shortJob, String role, String database, Instant at)
            throws SQLException {
        String name = R + infix + shortJob;
        admin("CREATE DATABASE " + name, "COMMENT ON DATABASE " + name + " IS '"
                + marker(role, database, shortJob, at, false) + "'");
        return name;
    }

    /** Databases whose name starts with {@code database}_ (those a swap puts beside it). */
    private static List<String> beside(String database) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = PG.connect("postgres"); PreparedStatement st = c.prepareStatement(
                "select datname from pg_database where starts_with(datname, ?) order by 1")) {
            st.setString(1, database + "_");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** What a database is apart from its content, read with SQL of the test's own. */
    private static Map<String, String> identity(String database) throws SQLException {
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("database", query("select pg_get_userbyid(datdba) || ' limit ' || datconnlimit || ' allow '"
                + " || datallowconn || ' comment ' || coalesce(shobj_description(oid, 'pg_database'), '-')"
                + " from pg_database where datname = ?", database));
        identity.put("settings", query("select coalesce(r.rolname, '*') || ': ' || (select string_agg(x, '; ' order by x)"
                + " from unnest(s.setconfig) x) from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase"
                + " left join pg_roles r on r.oid = s.setrole where d.datname = ?", database));
        identity.put("grants", query("select pg_get_userbyid(a.grantor) || '>' || case when a.grantee = 0 then 'PUBLIC'"
                + " else pg_get_userbyid(a.grantee) end || ' ' || a.privilege_type || case when a.is_grantable"
                + " then '*' else '' end from pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
                + " where d.datname = ?", database));
        return identity;
    }

    /** The rows of a one-column query, sorted and joined. */
    private static String query(String sql, String parameter) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = PG.connect("postgres"); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, parameter);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        rows.sort(null);
        return String.join("\n", rows);
    }

    /** The databases of the sessions holding the worker's advisory locks. */
    private static List<String> advisoryLockDatabases() throws SQLException {
        List<String> databases = new ArrayList<>();
        try (Connection c = PG.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select a.datname from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                        + " where l.locktype = 'advisory' and l.granted and l.classid = x'42574B52'::int::oid")) {
            while (rs.next()) {
                databases.add(rs.getString(1));
            }
        }
        return databases;
    }

    private static void admin(String... statements) throws SQLException {
        try (Connection c = PG.connect("postgres"); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    private static void sql(String database, String statements) throws SQLException {
        try (Connection c = PG.connect(database); Statement st = c.createStatement()) {
            st.execute(statements);
        }
    }
}
