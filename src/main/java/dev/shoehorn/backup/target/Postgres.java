package dev.shoehorn.backup.target;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

/**
 * JDBC access to a target, with the password passed as a property and never in the URL, and every
 * wait bounded: for a reply (socketTimeout) and for a lock (lock_timeout).
 */
public final class Postgres {

    /**
     * The driver itself rather than DriverManager, whose list of drivers an application that is
     * restarted in the same JVM (Quarkus tests with several profiles) finds emptied.
     */
    private static final Driver DRIVER = new org.postgresql.Driver();

    private Postgres() {
    }

    public static Connection connect(Target target) throws SQLException {
        return connect(target, target.database());
    }

    /** Connects to another database of the target's server (e.g. {@code postgres} for admin work). */
    public static Connection connect(Target target, String database) throws SQLException {
        return connect(target, database, true);
    }

    /**
     * A session for whole-table scans ({@code count(*)} of every table): a scan answers nothing until
     * it ends, so the socket timeout, which would cut it, is off; the job's timeout and its
     * cancellation bound it instead.
     */
    public static Connection connectForScans(Target target) throws SQLException {
        return connect(target, target.database(), false);
    }

    private static Connection connect(Target target, String database, boolean socketTimeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", target.user());
        target.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", "backup-worker");
        props.setProperty("connectTimeout", "10");
        if (socketTimeout) {
            props.setProperty("socketTimeout", Long.toString(Math.max(1, target.socketTimeout().toSeconds())));
        }
        props.setProperty("options", "-c lock_timeout=" + target.lockTimeout().toMillis());
        target.sslmode().ifPresent(mode -> props.setProperty("sslmode", mode));
        String url = "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + database;
        Connection connection = DRIVER.connect(url, props);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + url);
        }
        return connection;
    }

    /** What a job needs to know of the server before it starts. */
    public record ServerFacts(int major, String version, long databaseBytes, List<String> rlsTables) {
    }

    /** What a job needs to know of the target's server; an unreachable server is worth another attempt. */
    public static ServerFacts inspect(Target target) {
        try (Connection connection = connect(target)) {
            return inspect(connection);
        } catch (SQLException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                    "cannot inspect target " + target.name() + ": " + e.getMessage()), e);
        }
    }

    public static ServerFacts inspect(Connection connection) throws SQLException {
        int major;
        String version;
        long size;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "select current_setting('server_version_num')::int, current_setting('server_version'),"
                                + " pg_database_size(current_database())")) {
            rs.next();
            major = rs.getInt(1) / 10_000;
            version = rs.getString(2).split(" ")[0];
            size = rs.getLong(3);
        }
        return new ServerFacts(major, version, size, rlsTables(connection));
    }

    /** The operations guide's check: tables with row-level security enabled, as schema.table. */
    public static List<String> rlsTables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(
                "select schemaname, tablename from pg_tables where rowsecurity order by 1, 2");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        return tables;
    }
}
