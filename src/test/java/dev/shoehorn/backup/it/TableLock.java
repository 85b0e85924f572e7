package dev.shoehorn.backup.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.shoehorn.backup.local.LocalPostgres;

/**
 * Holds an exclusive lock on a table until closed. pg_dump waits for it, which holds a backup
 * mid-way (upload open, events emitted) for as long as a test needs.
 */
public final class TableLock implements AutoCloseable {

    private final Connection connection;

    private TableLock(Connection connection) {
        this.connection = connection;
    }

    public static TableLock hold(LocalPostgres pg, String database, String table) throws SQLException {
        Connection connection = pg.connect(database);
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new TableLock(connection);
    }

    /** Ends the session, and with it its transaction and the lock; one the server ended already (a restart) too. */
    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
