package dev.shoehorn.backup.restore;

import java.sql.Connection;
import java.sql.SQLException;

import org.jboss.logging.Logger;

/**
 * The swap itself: {@code incoming} becomes the target's database and the target's database is
 * kept as {@code kept}. New sessions on the target are refused and open ones ended first, since a
 * database in use cannot be renamed; then both renames, the target's {@link DatabaseIdentity} onto
 * the incoming database and the markers happen in one transaction, so that on any failure the
 * target is the database it was, under its name, and allows connections again.
 *
 * @param target   the target's name, for the log
 * @param job      the job swapping, for the log
 * @param database the target's database
 * @param incoming the database to swap in, and the marker it carries
 * @param kept     the name the displaced database is kept under, and the marker it gets
 */
record DatabaseSwap(String target, String job, String database, String incoming, SwapMarker incomingMarker,
        String kept, SwapMarker keptMarker) {

    private static final Logger LOG = Logger.getLogger(DatabaseSwap.class);

    void run(Connection admin) throws SQLException {
        DatabaseIdentity identity = DatabaseIdentity.read(admin, database)
                .orElseThrow(() -> new SQLException("database " + database + " does not exist", "3D000"));
        // Written before blocking, so that a sweeper finds and lifts the block should this worker die now.
        boolean block = identity.allowConnections();
        if (block) {
            Databases.setComment(admin, incoming, incomingMarker.blocked(true).toComment());
            Databases.allowConnections(admin, database, false);
            LOG.infof("job=%s target=%s stage=connections-blocked database=%s", job, target, database);
        }
        boolean swapped = false;
        try {
            int sessions = Databases.terminateSessions(admin, database) + Databases.terminateSessions(admin, incoming);
            LOG.infof("job=%s target=%s stage=sessions-terminated database=%s sessions=%d", job, target, database,
                    sessions);
            admin.setAutoCommit(false);
            try {
                Databases.rename(admin, database, kept);
                Databases.rename(admin, incoming, database);
                identity.applyTo(admin, database);
                Databases.allowConnections(admin, database, identity.allowConnections());
                Databases.setComment(admin, kept, keptMarker.toComment());
                Databases.allowConnections(admin, kept, identity.allowConnections());
                admin.commit();
                swapped = true;
            } finally {
                if (!swapped) {
                    rollbackQuietly(admin);
                }
                admin.setAutoCommit(true);
            }
            LOG.infof("job=%s target=%s stage=swapped database=%s from=%s kept=%s", job, target, database, incoming,
                    kept);
        } finally {
            if (!swapped && block) {
                unblock(admin, identity);
            }
        }
    }

    /** The failure that led here is what the job reports; a rollback failing too adds nothing to it. */
    private void rollbackQuietly(Connection admin) {
        try {
            admin.rollback();
        } catch (SQLException e) {
            LOG.debugf("job=%s target=%s stage=swap-rollback-failed msg=\"%s\"", job, target, e.getMessage());
        }
    }

    /** After a failed swap; should this fail too, the sweeper lifts the block (the marker says so). */
    private void unblock(Connection admin, DatabaseIdentity identity) {
        try {
            Databases.allowConnections(admin, database, identity.allowConnections());
            Databases.setComment(admin, incoming, incomingMarker.toComment());
            LOG.infof("job=%s target=%s stage=connections-restored database=%s", job, target, database);
        } catch (SQLException e) {
            LOG.warnf("job=%s target=%s stage=connections-restore-failed database=%s msg=\"%s\"", job, target,
                    database, e.getMessage());
        }
    }
}
