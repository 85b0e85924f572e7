package dev.shoehorn.backup.target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.jboss.logging.Logger;

/**
 * Bounds how long a tool's statements wait for a lock. {@code lock_timeout} in PGOPTIONS would,
 * but pg_dump and pg_restore set it to 0 on their connections; so a session of the worker's own
 * watches the tool's sessions (by their application_name) and cancels a statement that has waited
 * for a lock longer than the target's lock-timeout. A pg_restore queued for an exclusive lock queues
 * every later query of the application behind it: this is what ends that.
 */
final class LockWaitGuard implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LockWaitGuard.class);
    private static final Duration MIN_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(1);

    private final Target target;
    private final String applicationName;
    private final Duration timeout;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean cancelled;

    private LockWaitGuard(Target target, String applicationName) {
        this.target = target;
        this.applicationName = applicationName;
        this.timeout = target.lockTimeout();
        this.thread = new Thread(this::watch, "lock-guard-" + target.name());
        thread.setDaemon(true);
    }

    /** Starts watching the sessions named {@code applicationName} on the target; close when the tool has exited. */
    static LockWaitGuard watch(Target target, String applicationName) {
        LockWaitGuard guard = new LockWaitGuard(target, applicationName);
        guard.thread.start();
        return guard;
    }

    /** Whether a statement of the tool was cancelled for waiting too long; if so, why the tool failed. */
    boolean cancelled() {
        return cancelled;
    }

    /** The line for the tool's diagnostics. */
    String reason() {
        return "backup-worker: cancelled a statement that waited longer than "
                + timeout.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + " for a lock (backup.targets." + target.name() + ".lock-timeout)";
    }

    private void watch() {
        Duration quarter = timeout.dividedBy(4);
        Duration interval = quarter.compareTo(MIN_POLL) < 0 ? MIN_POLL
                : quarter.compareTo(MAX_POLL) > 0 ? MAX_POLL : quarter;
        Map<Integer, Waiting> waiting = new HashMap<>();
        try (Connection connection = Postgres.connect(target);
                PreparedStatement query = connection.prepareStatement("select pid, query_start from pg_stat_activity"
                        + " where application_name = ? and wait_event_type = 'Lock'");
                PreparedStatement cancel = connection.prepareStatement("select pg_cancel_backend(?)")) {
            query.setString(1, applicationName);
            while (!closed) {
                Thread.sleep(interval.toMillis());
                waiting = poll(query, cancel, waiting);
            }
        } catch (SQLException e) {
            if (!closed) {
                LOG.warnf("target=%s stage=lock-guard applicationName=%s msg=\"%s\"", target.name(), applicationName,
                        e.getMessage());
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /**
     * One look at the tool's waiting sessions. A wait is timed from when this guard first saw it, per
     * statement (a new query_start is a new wait), so a statement is cancelled no sooner than the
     * timeout after it began to wait.
     */
    private Map<Integer, Waiting> poll(PreparedStatement query, PreparedStatement cancel, Map<Integer, Waiting> before)
            throws SQLException {
        long now = System.nanoTime();
        Map<Integer, Waiting> waiting = new HashMap<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                int pid = rs.getInt(1);
                Waiting seen = before.get(pid);
                Waiting wait = seen != null && Objects.equals(seen.statement(), rs.getTimestamp(2)) ? seen
                        : new Waiting(rs.getTimestamp(2), now);
                waiting.put(pid, wait);
                if (now - wait.since() >= timeout.toNanos()) {
                    cancel.setInt(1, pid);
                    cancel.execute();
                    cancelled = true;
                    LOG.warnf("target=%s stage=lock-wait-cancelled applicationName=%s pid=%d timeout=%s",
                            target.name(), applicationName, pid, timeout);
                }
            }
        }
        return waiting;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private record Waiting(Timestamp statement, long since) {
    }
}
