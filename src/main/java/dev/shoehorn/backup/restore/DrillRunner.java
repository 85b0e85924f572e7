package dev.shoehorn.backup.restore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.ErrorInfo;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.progress.StageEvent;
import dev.shoehorn.backup.restore.DrillEvents.Check;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.PutIfAbsent;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;

/**
 * A restore drill: the archive restored into a throwaway database beside the target (marked as a
 * scratch database, so that the sweeper drops it should the worker die), checked, and dropped. The
 * target is never touched and no reaction follows. The checks, the operations guide's "test restore
 * quarterly" made precise:
 * <ul>
 * <li>{@code restore}: the archive matches its manifest and pg_restore succeeds;</li>
 * <li>{@code toc-tables}: every table of the archive's table of contents exists;</li>
 * <li>{@code row-counts}: every table holds the rows the backup counted in pg_dump's own snapshot;</li>
 * <li>{@code rls}: the tables with row-level security are those that had it at backup time;</li>
 * <li>{@code probe:<name>}: the target's SQL probes return true;</li>
 * <li>{@code rto}: the restore took no longer than the target's recovery-time objective.</li>
 * </ul>
 * The evidence (checks, figures, archive, versions) is stored as a JSON report under
 * {@code <prefix>/.drills/<target>/}.
 */
@ApplicationScoped
public class DrillRunner {

    private static final Logger LOG = Logger.getLogger(DrillRunner.class);

    private final ArchiveRestorer restorer;
    private final ArchiveStore store;

    public DrillRunner(ArchiveRestorer restorer, ArchiveStore store) {
        this.restorer = restorer;
        this.store = store;
    }

    /**
     * The evidence stored for each drill; of a drill that could not run (no archive, the server
     * unreachable after every attempt), what is known and {@code error}, which is null otherwise.
     */
    public record Report(String target, String jobId, String commandId, String archiveKey, Long archiveBytes,
            String archiveSha256, String pgDumpVersion, String serverVersion, String pgRestoreVersion,
            String database, boolean passed, List<Check> checks, Long restoreMs, long rtoMs, Instant startedAt,
            Instant completedAt, Map<String, Long> rowCounts, ErrorInfo error) {
    }

    /** Runs the drill and returns its terminal event; a failure worth another attempt is thrown. */
    StageEvent run(RestoreCommand command, CommandJob job) {
        Target target = job.target();
        Manifest manifest = command.manifest();
        String jobId = job.events().jobId();
        Instant startedAt = Instant.now();
        long rtoMs = target.drill().rto().toMillis();
        String fresh = SwapNames.scratch(target.database(), jobId);
        SwapMarker marker = SwapMarker.scratch(target.database(), jobId, command.commandId().toString(), startedAt);
        List<Check> checks = new ArrayList<>();
        Long restoreMs = null;
        PgTools.Installation tools = restorer.toolsFor(target, manifest);
        Map<String, Long> counted = new TreeMap<>();
        SwapRestore.admin(target, "creating " + fresh, c -> {
            Databases.drop(c, fresh); // left by an earlier attempt of this job
            Databases.createBeside(c, fresh, target.database());
            Databases.setComment(c, fresh, marker.toComment());
            return null;
        });
        LOG.infof("job=%s target=%s stage=drill-database-created database=%s", jobId, target.name(), fresh);
        Target into = target.onDatabase(fresh);
        try {
            long started = System.nanoTime();
            try {
                restorer.restore(command, job, into, RestoreMode.SWAP);
                restoreMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
                checks.add(new Check("restore", Check.PASSED, "restored in " + restoreMs + " ms"));
            } catch (JobFailedException e) {
                if (e.failure().retryable()) {
                    throw e;
                }
                checks.add(new Check("restore", Check.FAILED, e.failure().code() + ": " + e.failure().message()));
            }
            if (restoreMs != null) {
                checks.addAll(inspect(into, manifest, TocTables.of(store, restorer, manifest, tools, into,
                        job.cancellation()), counted));
                checks.add(restoreMs <= rtoMs
                        ? new Check("rto", Check.PASSED, restoreMs + " ms within the objective of " + rtoMs + " ms")
                        : new Check("rto", Check.FAILED, restoreMs + " ms, more than the objective of " + rtoMs + " ms"));
            }
        } finally {
            SwapRestore.dropFresh(target, fresh, jobId);
        }
        boolean passed = checks.stream().noneMatch(Check::failed);
        String reportKey = store.keys().drillReport(target.name(), startedAt, jobId);
        store.putJsonIfAbsent(reportKey, new Report(target.name(), jobId, command.commandId().toString(),
                manifest.archiveKey(), manifest.bytes(), manifest.sha256(), manifest.pgDumpVersion(),
                manifest.serverVersion(), tools.version(), fresh, passed, checks, restoreMs, rtoMs, startedAt,
                Instant.now(), counted.isEmpty() ? null : counted, null));
        if (passed) {
            return new DrillEvents.Passed(manifest.archive(), reportKey, checks, restoreMs, rtoMs, job.millisSinceStart());
        }
        String failedChecks = String.join(", ", checks.stream().filter(Check::failed).map(Check::name).toList());
        return new DrillEvents.Failed(manifest.archive(), reportKey, checks, restoreMs, rtoMs, job.millisSinceStart(),
                ErrorInfo.of(Failure.permanent(ErrorCode.DRILL_FAILED, "drill checks failed: " + failedChecks
                        + "; the target was not touched")));
    }

    /**
     * Stores the report of a drill that could not run, so that the drill history shows it failed and
     * why: the key, or null when none was stored. Best effort and never tried when the store is what
     * failed: the job holds its target's lock and has yet to send its terminal event.
     */
    String couldNotRun(RestoreCommand command, Target target, String jobId, Failure failure, long durationMs) {
        if (failure.code() == ErrorCode.STORAGE_ERROR) {
            return null;
        }
        Instant now = Instant.now();
        Instant startedAt = now.minusMillis(durationMs);
        Manifest manifest = command.manifest();
        String reportKey = store.keys().drillReport(target.name(), startedAt, jobId);
        try {
            PutIfAbsent stored = store.putJsonIfAbsent(reportKey, new Report(target.name(), jobId,
                    command.commandId().toString(),
                    manifest == null ? null : manifest.archiveKey(), manifest == null ? null : manifest.bytes(),
                    manifest == null ? null : manifest.sha256(), manifest == null ? null : manifest.pgDumpVersion(),
                    manifest == null ? null : manifest.serverVersion(), null, null, false, List.of(), null,
                    target.drill().rto().toMillis(), startedAt, now, null, ErrorInfo.of(failure)));
            // an earlier attempt's report under the same name is that attempt's, not this verdict
            return stored == PutIfAbsent.CREATED ? reportKey : null;
        } catch (RuntimeException e) {
            LOG.warnf("job=%s target=%s stage=drill-report-not-stored error=%s", jobId, target.name(),
                    e instanceof JobFailedException failed ? failed.failure().code() : e.getClass().getSimpleName());
            return null;
        }
    }

    /** The checks on the restored database; {@code counted} receives the rows found. */
    private static List<Check> inspect(Target restored, Manifest manifest, List<String> tocTables,
            Map<String, Long> counted) {
        List<Check> checks = new ArrayList<>();
        try (Connection c = Postgres.connectForScans(restored); Statement st = c.createStatement()) {
            st.execute("set row_security = off");
            List<String> missing = new ArrayList<>();
            for (String table : tocTables) {
                String[] parts = table.split("\\.", 2);
                try (ResultSet rs = st.executeQuery("select to_regclass(" + Databases.literal(Databases.ident(parts[0]) + "."
                        + Databases.ident(parts[1])) + ") is not null")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        missing.add(table);
                    }
                }
            }
            checks.add(missing.isEmpty()
                    ? new Check("toc-tables", Check.PASSED, tocTables.size() + " tables of the archive's TOC exist")
                    : new Check("toc-tables", Check.FAILED, "missing: " + String.join(", ", missing)));
            checks.add(rowCounts(st, manifest.rowCounts(), counted));
            TreeSet<String> rls = new TreeSet<>(Postgres.rlsTables(c));
            TreeSet<String> expected = new TreeSet<>(manifest.rlsTables());
            checks.add(rls.equals(expected)
                    ? new Check("rls", Check.PASSED, rls.size() + " tables with row-level security, as at backup time")
                    : new Check("rls", Check.FAILED, "row-level security on " + rls + ", at backup time on " + expected));
            restored.drill().probes().forEach((name, sql) -> checks.add(probe(st, name, sql)));
        } catch (SQLException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                    "checking the drill's database: " + e.getMessage()), e);
        }
        return checks;
    }

    private static Check rowCounts(Statement st, Map<String, Long> expected, Map<String, Long> counted)
            throws SQLException {
        if (expected == null) {
            return new Check("row-counts", Check.SKIPPED, "the backup recorded no row counts (row-counts=false)");
        }
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Long> table : expected.entrySet()) {
            String[] parts = table.getKey().split("\\.", 2);
            long rows;
            try (ResultSet rs = st.executeQuery("select count(*) from " + Databases.ident(parts[0]) + "."
                    + Databases.ident(parts[1]))) {
                rs.next();
                rows = rs.getLong(1);
            } catch (SQLException e) {
                wrong.add(table.getKey() + " unreadable (" + e.getSQLState() + ")");
                continue;
            }
            counted.put(table.getKey(), rows);
            if (rows != table.getValue()) {
                wrong.add(table.getKey() + " has " + rows + " rows, the backup counted " + table.getValue());
            }
        }
        return wrong.isEmpty()
                ? new Check("row-counts", Check.PASSED, expected.size() + " tables hold the rows counted at backup time")
                : new Check("row-counts", Check.FAILED, String.join("; ", wrong));
    }

    /**
     * A probe passes when its first row's first column is true. Of an error only its SQLSTATE is kept:
     * a message can quote row values (a failed cast, a duplicate key).
     */
    private static Check probe(Statement st, String name, String sql) {
        try (ResultSet rs = st.executeQuery(sql)) {
            boolean ok = rs.next() && rs.getBoolean(1);
            return new Check("probe:" + name, ok ? Check.PASSED : Check.FAILED, ok ? "true" : "not true");
        } catch (SQLException e) {
            return new Check("probe:" + name, Check.FAILED, "error, SQLSTATE " + e.getSQLState());
        }
    }
}
