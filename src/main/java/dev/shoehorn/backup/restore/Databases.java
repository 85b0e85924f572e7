package dev.shoehorn.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whole databases, worked on from a session on the server's maintenance database: create one
 * beside another, rename, comment, block and drop. Statements that take names cannot take bind
 * parameters, so every name and literal goes through {@link #ident} or {@link #literal}.
 */
final class Databases {

    private static final long SESSIONS_GONE_MILLIS = 10_000;

    private Databases() {
    }

    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** As PostgreSQL's quote_literal: right whatever standard_conforming_strings says. */
    static String literal(String value) {
        String quoted = "'" + value.replace("'", "''") + "'";
        return value.indexOf('\\') < 0 ? quoted : "E" + quoted.replace("\\", "\\\\");
    }

    /**
     * Creates {@code name} empty (from template0) with the encoding, collation, character classes,
     * locale provider, tablespace and owner of {@code model}, so that the restored content sorts
     * and compares as it did in the target.
     */
    static void createBeside(Connection c, String name, String model) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding),"
                + " d.datcollate, d.datctype, to_jsonb(d) ->> 'datlocprovider',"
                + " coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale'), t.spcname"
                + " from pg_database d join pg_tablespace t on t.oid = d.dattablespace where d.datname = ?")) {
            st.setString(1, model);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("database " + model + " does not exist", "3D000");
                }
                execute(c, "CREATE DATABASE " + ident(name) + " WITH TEMPLATE template0 OWNER " + ident(rs.getString(1))
                        + " ENCODING " + literal(rs.getString(2)) + " LC_COLLATE " + literal(rs.getString(3))
                        + " LC_CTYPE " + literal(rs.getString(4)) + localeProvider(rs.getString(5), rs.getString(6))
                        + " TABLESPACE " + ident(rs.getString(7)));
            }
        }
    }

    /** libc needs nothing beyond LC_COLLATE and LC_CTYPE; ICU (15+) and builtin (17+) name their locale. */
    static String localeProvider(String provider, String locale) {
        if (provider == null || "c".equals(provider)) {
            return "";
        }
        return switch (provider) {
            case "i" -> " LOCALE_PROVIDER icu ICU_LOCALE " + literal(locale);
            case "b" -> " LOCALE_PROVIDER builtin BUILTIN_LOCALE " + literal(locale);
            default -> throw new IllegalArgumentException("unknown locale provider " + provider);
        };
    }

    /** Every database of the server, with its comment (null when it has none). */
    static Map<String, String> comments(Connection c) throws SQLException {
        Map<String, String> all = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select datname, shobj_description(oid, 'pg_database') from pg_database order by datname")) {
            while (rs.next()) {
                all.put(rs.getString(1), rs.getString(2));
            }
        }
        return all;
    }

    /** The comment of {@code name}; empty when the database has none or does not exist. */
    static Optional<String> comment(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "select shobj_description(oid, 'pg_database') from pg_database where datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    static void setComment(Connection c, String name, String comment) throws SQLException {
        execute(c, "COMMENT ON DATABASE " + ident(name) + " IS " + (comment == null ? "NULL" : literal(comment)));
    }

    static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean allowsConnections(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select datallowconn from pg_database where datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** No one, superusers included, opens a new session on a database that does not allow connections. */
    static void allowConnections(Connection c, String name, boolean allow) throws SQLException {
        execute(c, "ALTER DATABASE " + ident(name) + " ALLOW_CONNECTIONS " + allow);
    }

    static void rename(Connection c, String from, String to) throws SQLException {
        execute(c, "ALTER DATABASE " + ident(from) + " RENAME TO " + ident(to));
    }

    /**
     * Terminates every other session on {@code name} and waits (up to 10 s) until they are gone:
     * termination is asynchronous, and a rename or drop fails while one remains.
     */
    static int terminateSessions(Connection c, String name) throws SQLException {
        int terminated;
        try (PreparedStatement st = c.prepareStatement("select count(*) filter (where pg_terminate_backend(pid))"
                + " from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                terminated = rs.getInt(1);
            }
        }
        long deadline = System.currentTimeMillis() + SESSIONS_GONE_MILLIS;
        try (PreparedStatement st = c.prepareStatement(
                "select count(*) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
            st.setString(1, name);
            while (System.currentTimeMillis() < deadline) {
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        break;
                    }
                }
                pause();
            }
        }
        return terminated;
    }

    /** Drops {@code name} if it exists, after closing it to new sessions and ending the open ones. */
    static boolean drop(Connection c, String name) throws SQLException {
        if (!exists(c, name)) {
            return false;
        }
        allowConnections(c, name, false);
        terminateSessions(c, name);
        execute(c, "DROP DATABASE IF EXISTS " + ident(name));
        return true;
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for sessions to end", "57014", e);
        }
    }
}
