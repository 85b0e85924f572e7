package dev.shoehorn.backup.restore;

import static dev.shoehorn.backup.restore.Databases.execute;
import static dev.shoehorn.backup.restore.Databases.ident;
import static dev.shoehorn.backup.restore.Databases.literal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What makes a database the target, apart from its content: owner, connection limit, whether it
 * allows connections, comment, settings ({@code ALTER DATABASE … SET} and {@code ALTER ROLE … IN
 * DATABASE … SET}) and its CONNECT/CREATE/TEMPORARY grants. pg_dump leaves these out of an archive
 * and a rename leaves them with the database they belong to, so a swap copies them onto the
 * database it brings in, and the target looks the same to its roles and clients afterwards.
 */
record DatabaseIdentity(String owner, int connectionLimit, boolean allowConnections, String comment,
        List<Setting> settings, Set<Grant> grants) {

    /**
     * Settings whose value is a list that PostgreSQL stores with its elements double-quoted where
     * needed; they must be set again element by element (as pg_dump does), else the whole list
     * would become one element.
     */
    private static final Set<String> LIST_SETTINGS = Set.of("local_preload_libraries", "search_path",
            "session_preload_libraries", "shared_preload_libraries", "temp_tablespaces", "unix_socket_directories");

    /** One setting; {@code role} null for the database's own ({@code ALTER DATABASE … SET}). */
    record Setting(String role, String name, String value) {
    }

    /** One privilege on the database; {@code grantee} null for PUBLIC. */
    record Grant(String grantor, String grantee, String privilege, boolean grantable) {

        private boolean sameAs(Grant other) {
            return grantor.equals(other.grantor) && Objects.equals(grantee, other.grantee)
                    && privilege.equals(other.privilege);
        }
    }

    DatabaseIdentity withComment(String other) {
        return new DatabaseIdentity(owner, connectionLimit, allowConnections, other, settings, grants);
    }

    static Optional<DatabaseIdentity> read(Connection c, String database) throws SQLException {
        String owner;
        int limit;
        boolean allow;
        String comment;
        try (PreparedStatement st = c.prepareStatement("select pg_get_userbyid(datdba), datconnlimit, datallowconn,"
                + " shobj_description(oid, 'pg_database') from pg_database where datname = ?")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                owner = rs.getString(1);
                limit = rs.getInt(2);
                allow = rs.getBoolean(3);
                comment = rs.getString(4);
            }
        }
        return Optional.of(new DatabaseIdentity(owner, limit, allow, comment, settings(c, database), grants(c, database)));
    }

    /**
     * Makes {@code database}'s owner, connection limit, comment, settings and grants equal to these.
     * Whether it allows connections is the swap's to set. Inside a transaction, all or nothing.
     */
    void applyTo(Connection c, String database) throws SQLException {
        String db = ident(database);
        execute(c, "ALTER DATABASE " + db + " OWNER TO " + ident(owner));
        execute(c, "ALTER DATABASE " + db + " CONNECTION LIMIT " + connectionLimit);
        Databases.setComment(c, database, comment);
        for (String role : settings(c, database).stream().map(Setting::role).distinct().toList()) {
            execute(c, alter(role, db) + " RESET ALL");
        }
        for (Setting s : settings) {
            execute(c, alter(s.role(), db) + " SET " + ident(s.name()) + " TO " + value(s.name(), s.value()));
        }
        applyGrants(c, database);
    }

    /** Where a setting lives: the database's own ({@code role} null), or a role's in the database. */
    private static String alter(String role, String db) {
        return role == null ? "ALTER DATABASE " + db : "ALTER ROLE " + ident(role) + " IN DATABASE " + db;
    }

    /** Revokes what the target lacks, then grants what it has, each as its grantor, the owner's first. */
    private void applyGrants(Connection c, String database) throws SQLException {
        for (Grant have : grants(c, database)) {
            Optional<Grant> want = grants.stream().filter(have::sameAs).findFirst();
            if (want.isEmpty()) {
                asGrantor(c, have.grantor(), "REVOKE " + have.privilege() + " ON DATABASE " + ident(database) + " FROM "
                        + grantee(have) + " CASCADE");
            } else if (have.grantable() && !want.get().grantable()) {
                asGrantor(c, have.grantor(), "REVOKE GRANT OPTION FOR " + have.privilege() + " ON DATABASE "
                        + ident(database) + " FROM " + grantee(have) + " CASCADE");
            }
        }
        Set<Grant> have = grants(c, database);
        List<Grant> missing = new ArrayList<>(grants);
        missing.removeAll(have);
        missing.sort(Comparator.comparing((Grant g) -> !g.grantor().equals(owner)));
        for (Grant g : missing) {
            asGrantor(c, g.grantor(), "GRANT " + g.privilege() + " ON DATABASE " + ident(database) + " TO " + grantee(g)
                    + (g.grantable() ? " WITH GRANT OPTION" : ""));
        }
    }

    /**
     * A superuser's (or the owner's) GRANT is recorded as the owner's; one of another grantor must
     * be made as that role, as PostgreSQL 15 refuses GRANTED BY anyone but the current user.
     */
    private void asGrantor(Connection c, String grantor, String sql) throws SQLException {
        if (grantor.equals(owner)) {
            execute(c, sql);
            return;
        }
        execute(c, "SET ROLE " + ident(grantor));
        try {
            execute(c, sql);
        } finally {
            execute(c, "RESET ROLE");
        }
    }

    private static String grantee(Grant g) {
        return g.grantee() == null ? "PUBLIC" : ident(g.grantee());
    }

    /** A stored value as SET expects it: one literal, or one per element of a list setting. */
    static String value(String name, String stored) {
        if (!LIST_SETTINGS.contains(name)) {
            return literal(stored);
        }
        return splitList(stored).stream().map(Databases::literal).collect(Collectors.joining(", "));
    }

    /** The elements of a stored list setting ({@code a, "B c"} → {@code a}, {@code B c}), as pg_dump's SplitGUCList. */
    static List<String> splitList(String stored) {
        List<String> elements = new ArrayList<>();
        int i = 0;
        int n = stored.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(stored.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder element = new StringBuilder();
            if (stored.charAt(i) == '"') {
                for (i++; i < n; i++) {
                    char ch = stored.charAt(i);
                    if (ch == '"' && i + 1 < n && stored.charAt(i + 1) == '"') {
                        element.append('"');
                        i++;
                    } else if (ch == '"') {
                        i++;
                        break;
                    } else {
                        element.append(ch);
                    }
                }
            } else {
                while (i < n && stored.charAt(i) != ',' && !Character.isWhitespace(stored.charAt(i))) {
                    element.append(stored.charAt(i++));
                }
            }
            elements.add(element.toString());
            while (i < n && Character.isWhitespace(stored.charAt(i))) {
                i++;
            }
            if (i < n && stored.charAt(i) == ',') {
                i++;
            }
        }
        return elements;
    }

    private static List<Setting> settings(Connection c, String database) throws SQLException {
        List<Setting> settings = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("select r.rolname, s.setconfig from pg_db_role_setting s"
                + " join pg_database d on d.oid = s.setdatabase left join pg_roles r on r.oid = s.setrole"
                + " where d.datname = ? order by r.rolname nulls first")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    for (String entry : (String[]) rs.getArray(2).getArray()) {
                        int eq = entry.indexOf('=');
                        settings.add(new Setting(rs.getString(1), entry.substring(0, eq), entry.substring(eq + 1)));
                    }
                }
            }
        }
        return settings;
    }

    /** The privileges as aclexplode lists them; a database without an ACL has the defaults. */
    private static Set<Grant> grants(Connection c, String database) throws SQLException {
        Set<Grant> grants = new HashSet<>();
        try (PreparedStatement st = c.prepareStatement("select pg_get_userbyid(a.grantor),"
                + " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type,"
                + " a.is_grantable from pg_database d,"
                + " lateral aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a where d.datname = ?")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    grants.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
        }
        return grants;
    }
}
