package dev.shoehorn.backup.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;

/**
 * A transaction whose snapshot pg_dump is given ({@code --snapshot}), and in which the rows of every
 * table pg_dump dumps are counted while it runs: the counts are those of the archive, exactly, for a
 * restore drill to check. It stays open until the dump has ended, as pg_dump needs the exporting
 * transaction alive until it has taken the snapshot. Row security is off, as in pg_dump: a table
 * whose rows the role could not all see fails the count rather than being miscounted.
 */
final class SnapshotCounts implements AutoCloseable {

    /** Ordinary tables outside the system schemas whose data pg_dump dumps (not those of extensions). */
    private static final String TABLES = "select n.nspname, c.relname from pg_class c"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " where c.relkind = 'r' and c.relpersistence <> 't'"
            + " and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'"
            + " and n.nspname not like 'pg\\_temp%'"
            + " and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass"
            + " and d.objid = c.oid and d.deptype = 'e')"
            + " order by 1, 2";

    private final Connection connection;
    private final String snapshot;
    private final CompletableFuture<Map<String, Long>> counts = new CompletableFuture<>();
    private volatile Statement running;
    private Thread counter;

    private SnapshotCounts(Connection connection, String snapshot) {
        this.connection = connection;
        this.snapshot = snapshot;
    }

    static SnapshotCounts open(Target target) {
        Connection connection = null;
        try {
            connection = Postgres.connectForScans(target);
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("set transaction isolation level repeatable read, read only");
                st.execute("set row_security = off");
                try (ResultSet rs = st.executeQuery("select pg_export_snapshot()")) {
                    rs.next();
                    return new SnapshotCounts(connection, rs.getString(1));
                }
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                    "cannot export a snapshot of target " + target.name() + ": " + e.getMessage()), e);
        }
    }

    /** The snapshot's id, for pg_dump's {@code --snapshot}. */
    String snapshot() {
        return snapshot;
    }

    /**
     * Starts counting, on a thread of its own, in the snapshot. Called once pg_dump has written its
     * first bytes: by then it has taken the snapshot and its table locks, so the counts' own locks
     * can never sit between a table's DDL and pg_dump's lock on it.
     */
    void start() {
        if (counter != null) {
            return;
        }
        counter = new Thread(() -> {
            try {
                counts.complete(count());
            } catch (RuntimeException e) {
                counts.completeExceptionally(e);
            }
        }, "row-counts");
        counter.setDaemon(true);
        counter.start();
    }

    /**
     * The counts, once done (after the dump).
     *
     * @throws JobFailedException when they could not be taken
     */
    Map<String, Long> await(Target target) {
        start(); // a dump with no output at all (nothing to dump) still gets its counts
        try {
            return counts.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED, "interrupted counting rows"), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED, "counting the rows of target "
                    + target.name() + " in the dump's snapshot: " + cause.getMessage()), cause);
        }
    }

    /**
     * Counts under a savepoint: an error (a table the role may not read) must not abort the
     * transaction, whose end would take the exported snapshot away from a pg_dump still importing it.
     */
    private Map<String, Long> count() {
        java.sql.Savepoint savepoint = null;
        try {
            savepoint = connection.setSavepoint();
            List<String[]> tables = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(TABLES); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    tables.add(new String[] { rs.getString(1), rs.getString(2) });
                }
            }
            Map<String, Long> rows = new TreeMap<>();
            for (String[] table : tables) {
                try (Statement st = connection.createStatement()) {
                    running = st;
                    try (ResultSet rs = st.executeQuery("select count(*) from " + quote(table[0]) + "."
                            + quote(table[1]))) {
                        rs.next();
                        rows.put(table[0] + "." + table[1], rs.getLong(1));
                    }
                } finally {
                    running = null;
                }
            }
            connection.releaseSavepoint(savepoint);
            return rows;
        } catch (SQLException e) {
            if (savepoint != null) {
                try {
                    connection.rollback(savepoint);
                } catch (SQLException ignored) {
                    // the session is broken; pg_dump's own error will say more
                }
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Ends the session; a count still running (the job failed or was cancelled) is cancelled on the server first. */
    @Override
    public void close() {
        Statement statement = running;
        if (statement != null) {
            try {
                statement.cancel();
            } catch (SQLException e) {
                // closing the session ends the scan too
            }
        }
        closeQuietly(connection);
        if (counter != null) {
            try {
                counter.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close(); // rolls the read-only transaction back
            } catch (SQLException e) {
                // the session is gone either way
            }
        }
    }
}
