package dev.shoehorn.backup.target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

/**
 * One job per target database at a time, across every worker replica: a session-level PostgreSQL
 * advisory lock, held on a connection of its own for the whole job. If the worker dies, PostgreSQL
 * drops the session and with it the lock. The session is on the server's maintenance database, not
 * on the target's: a swap restore ends every session on the target, and the lock must outlive
 * that. Advisory locks are per database, so the key names the target's database: targets of one
 * server do not block each other, and two targets naming the same database share one lock.
 */
@ApplicationScoped
public class TargetLock {

    private static final Logger LOG = Logger.getLogger(TargetLock.class);
    /** First half of the lock key ("BWKR"): keeps our locks apart from the application's own. */
    private static final int NAMESPACE = 0x42574B52;
    private static final Duration POLL = Duration.ofSeconds(1);

    /** A held lock; closing it releases the lock. */
    public interface Held extends AutoCloseable {

        /**
         * Checks, on the lock's own session, that the session is alive and still holds the lock:
         * a session the server dropped (restart, pg_terminate_backend, a network cut the server
         * noticed) took the lock with it, and another replica may be running a job on the target.
         * Throws a retryable TARGET_UNREACHABLE failure when not. Call right before a step that
         * must not run twice at once (a job's commit).
         */
        void ensureHeld();

        /**
         * Takes the lock again on a session of its own if the one it was held on was lost, waiting
         * for it as {@link TargetLock#acquire} does. Returns whether it had been lost: if so, other
         * jobs may have run on the target while it was free.
         */
        boolean regain(String job, Cancellation cancellation);

        @Override
        void close();
    }

    public Held acquire(Target target, String job, Cancellation cancellation) {
        return new Session(locked(target, job, cancellation), target);
    }

    /** A new session of the maintenance database that holds the target's lock, once it is free. */
    private static Connection locked(Target target, String job, Cancellation cancellation) {
        Connection connection = connect(target);
        boolean logged = false;
        try {
            while (!tryLock(connection, target)) {
                if (!logged) {
                    LOG.infof("job=%s target=%s stage=waiting-for-lock", job, target.name());
                    logged = true;
                }
                cancellation.sleep(POLL);
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw unreachable(target, e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        return connection;
    }

    /** The lock if it is free now, for housekeeping that gives way to jobs; empty when a job holds it. */
    public Optional<Held> tryAcquire(Target target) {
        Connection connection = connect(target);
        try {
            if (tryLock(connection, target)) {
                return Optional.of(new Session(connection, target));
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw unreachable(target, e);
        }
        closeQuietly(connection);
        return Optional.empty();
    }

    private static Connection connect(Target target) {
        try {
            return Postgres.connect(target, target.maintenanceDatabase());
        } catch (SQLException e) {
            throw unreachable(target, e);
        }
    }

    /**
     * The lock's second key: the target's database, so that two targets naming one database share
     * a lock and two databases on one server (one maintenance database) do not.
     */
    private static int key(Target target) {
        return target.database().hashCode();
    }

    private static boolean tryLock(Connection connection, Target target) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            st.setInt(1, NAMESPACE);
            st.setInt(2, key(target));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static final class Session implements Held {

        private final Target target;
        private Connection connection;

        Session(Connection connection, Target target) {
            this.connection = connection;
            this.target = target;
        }

        @Override
        public void ensureHeld() {
            // pg_try_advisory_lock(int4, int4) shows as classid = first key, objid = second, objsubid = 2
            try (PreparedStatement st = connection.prepareStatement("select count(*) from pg_locks"
                    + " where locktype = 'advisory' and granted and pid = pg_backend_pid()"
                    + " and classid = ?::int4::oid and objid = ?::int4::oid and objsubid = 2")) {
                st.setInt(1, NAMESPACE);
                st.setInt(2, key(target));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                                "the lock of target " + target.name() + " is no longer held"));
                    }
                }
            } catch (SQLException e) {
                throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                        "the lock of target " + target.name() + " was lost with its session: " + e.getMessage()), e);
            }
        }

        @Override
        public boolean regain(String job, Cancellation cancellation) {
            try {
                ensureHeld();
                return false;
            } catch (JobFailedException lost) {
                closeQuietly(connection);
                connection = locked(target, job, cancellation);
                LOG.infof("job=%s target=%s stage=lock-regained lost=\"%s\"", job, target.name(),
                        lost.failure().message());
                return true;
            }
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }

    private static JobFailedException unreachable(Target target, SQLException e) {
        return new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                "cannot reach target " + target.name() + ": " + e.getMessage()), e);
    }

    /** Closing the session releases the advisory lock. */
    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debugf("closing a lock connection: %s", e.getMessage());
        }
    }
}
