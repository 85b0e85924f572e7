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
import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.job.Failure;
import dev.shoehorn.backup.job.JobFailedException;

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
        @Override
        void close();
    }

    public Held acquire(Target target, String job, Cancellation cancellation) {
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
        return () -> closeQuietly(connection);
    }

    /** The lock if it is free now, for housekeeping that gives way to jobs; empty when a job holds it. */
    public Optional<Held> tryAcquire(Target target) {
        Connection connection = connect(target);
        try {
            if (tryLock(connection, target)) {
                return Optional.of(() -> closeQuietly(connection));
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

    private static boolean tryLock(Connection connection, Target target) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            st.setInt(1, NAMESPACE);
            st.setInt(2, target.database().hashCode());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
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
