package dev.shoehorn.backup.local;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Databases shaped like Shoehorn's, to back up and restore locally: tenants, tables scoped by
 * {@code tenant_id} under forced row-level security, one table without it, a few thousand rows.
 * A backup must carry the policies along and a restore must bring them back, and this data makes
 * both visible. Names are checked to be plain identifiers before they reach SQL.
 */
public final class DemoDatabase {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final String MAINTENANCE_DB = "postgres";
    private static final String DUPLICATE_DATABASE = "42P04";

    /** Tables under row-level security, with the column naming the tenant a row belongs to. */
    private static final Map<String, String> TENANT_COLUMN_BY_TABLE = tenantColumnByTable();

    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE tenants (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                slug text NOT NULL UNIQUE,
                name text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now())""", """
            CREATE TABLE projects (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                name text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now())""", """
            CREATE TABLE documents (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                project_id bigint NOT NULL REFERENCES projects (id),
                title text NOT NULL,
                body text NOT NULL,
                attributes jsonb NOT NULL DEFAULT '{}',
                updated_at timestamptz NOT NULL DEFAULT now())""", """
            CREATE TABLE memberships (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                user_email text NOT NULL,
                role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
                PRIMARY KEY (tenant_id, user_email))""", """
            CREATE TABLE audit_log (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                actor text NOT NULL,
                action text NOT NULL,
                details jsonb,
                at timestamptz NOT NULL DEFAULT now())""", """
            CREATE INDEX documents_tenant_project ON documents (tenant_id, project_id)""", """
            CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at)""", """
            CREATE TABLE schema_migrations (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now())""");

    /** About 4,000 rows: 4 tenants × (10 projects, 500 documents, 25 members, 500 audit entries). */
    private static final List<String> DATA = List.of("""
            INSERT INTO tenants (slug, name)
            SELECT 'tenant-' || g, 'Tenant ' || g FROM generate_series(1, 4) g""", """
            INSERT INTO projects (tenant_id, name)
            SELECT t.id, 'project-' || g || '-' || left(md5(random()::text), 6)
            FROM tenants t, generate_series(1, 10) g""", """
            INSERT INTO documents (tenant_id, project_id, title, body, attributes)
            SELECT p.tenant_id, p.id, 'Document ' || g || ' ' || left(md5(random()::text), 8),
                   repeat(md5(random()::text) || ' ', 1 + (random() * 20)::int),
                   jsonb_build_object('words', (random() * 2000)::int,
                                      'draft', random() < 0.2,
                                      'tags', jsonb_build_array(left(md5(random()::text), 5)))
            FROM projects p, generate_series(1, 50) g""", """
            INSERT INTO memberships (tenant_id, user_email, role)
            SELECT t.id, 'user' || g || '@' || t.slug || '.example',
                   (ARRAY['owner', 'admin', 'member', 'member'])[1 + g % 4]
            FROM tenants t, generate_series(1, 25) g""", """
            INSERT INTO audit_log (tenant_id, actor, action, details, at)
            SELECT t.id, 'user' || (1 + g % 25) || '@' || t.slug || '.example',
                   (ARRAY['login', 'document.update', 'project.create', 'member.invite'])[1 + g % 4],
                   jsonb_build_object('request', md5(random()::text)),
                   now() - g * interval '7 minutes'
            FROM tenants t, generate_series(1, 500) g""", """
            INSERT INTO schema_migrations (version)
            SELECT to_char(g, 'FM0000') || '_migration' FROM generate_series(1, 5) g""");

    private DemoDatabase() {
    }

    private static Map<String, String> tenantColumnByTable() {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("tenants", "id");
        tables.put("projects", "tenant_id");
        tables.put("documents", "tenant_id");
        tables.put("memberships", "tenant_id");
        tables.put("audit_log", "tenant_id");
        return tables;
    }

    /**
     * Creates and fills the demo database unless it exists; an existing database is left alone,
     * whatever it holds.
     *
     * @return true when this call created it
     */
    public static boolean ensureDemo(LocalPostgres pg, String name) throws SQLException {
        if (!ensureEmpty(pg, name)) {
            return false;
        }
        try (Connection db = pg.connect(name)) {
            fill(db);
        } catch (SQLException | RuntimeException e) {
            try {
                drop(pg, name); // no half-filled demo database survives to be mistaken for a good one
            } catch (SQLException dropFailure) {
                e.addSuppressed(dropFailure);
            }
            throw e;
        }
        return true;
    }

    /**
     * Creates an empty database unless it exists.
     *
     * @return true when this call created it
     */
    public static boolean ensureEmpty(LocalPostgres pg, String name) throws SQLException {
        checkName(name);
        try (Connection admin = pg.connect(MAINTENANCE_DB)) {
            if (exists(admin, name)) {
                return false;
            }
            try (Statement st = admin.createStatement()) {
                st.execute("CREATE DATABASE " + name);
                return true;
            } catch (SQLException e) {
                if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    return false; // created concurrently by someone else
                }
                throw e;
            }
        }
    }

    /** Drops the database, closing its sessions first; absent is fine. */
    public static void drop(LocalPostgres pg, String name) throws SQLException {
        checkName(name);
        try (Connection admin = pg.connect(MAINTENANCE_DB); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name ([a-z][a-z0-9_]*, at most 63): " + name);
        }
    }

    private static boolean exists(Connection admin, String name) throws SQLException {
        try (PreparedStatement st = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Schema, then rows, then row-level security: rows go in before the policies so that a
     * non-superuser owner (subject to FORCE) can insert them too.
     */
    private static void fill(Connection db) throws SQLException {
        db.setAutoCommit(false);
        try (Statement st = db.createStatement()) {
            for (String sql : SCHEMA) {
                st.execute(sql);
            }
            for (String sql : DATA) {
                st.execute(sql);
            }
            for (var table : TENANT_COLUMN_BY_TABLE.entrySet()) {
                st.execute("ALTER TABLE " + table.getKey() + " ENABLE ROW LEVEL SECURITY");
                st.execute("ALTER TABLE " + table.getKey() + " FORCE ROW LEVEL SECURITY");
                st.execute("CREATE POLICY tenant_isolation ON " + table.getKey()
                        + " USING (" + table.getValue() + " = current_setting('app.tenant_id', true)::uuid)");
            }
            st.execute("ANALYZE");
            db.commit();
        }
    }
}
