package dev.shoehorn.backup.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.shoehorn.backup.local.LocalPostgres;

/**
 * What a database holds, as a comparable value: per table or view of the public schema, its
 * kind, its row-level-security flag, its row count and a hash of its rows in a stable order.
 */
public final class DatabaseFingerprint {

    private DatabaseFingerprint() {
    }

    public static Map<String, String> of(LocalPostgres pg, String database) throws SQLException {
        Map<String, String> tables = new LinkedHashMap<>();
        try (Connection c = pg.connect(database); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity"
                    + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                    + " where n.nspname = 'public' and c.relkind in ('r', 'v') order by 1")) {
                while (rs.next()) {
                    tables.put(rs.getString(1), "kind=" + rs.getString(2) + " rls=" + rs.getBoolean(3)
                            + " force=" + rs.getBoolean(4));
                }
            }
            for (Map.Entry<String, String> table : tables.entrySet()) {
                try (ResultSet rs = st.executeQuery("select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
                        + " from public.\"" + table.getKey() + "\" t")) {
                    rs.next();
                    table.setValue(table.getValue() + " rows=" + rs.getLong(1) + " md5=" + rs.getString(2));
                }
            }
        }
        return tables;
    }
}
