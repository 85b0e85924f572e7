package dev.shoehorn.backup.local;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL server local mode and the integration tests use: an existing one (there is no
 * embedded PostgreSQL with pg_dump), found the way psql and pg_dump find it, through the
 * {@code PGHOST}, {@code PGPORT}, {@code PGUSER} and {@code PGPASSWORD} variables. The worker,
 * started as a child process, inherits the same variables and so reaches the same server. The
 * password is never printed, and no URL or connection string is logged.
 */
public final class LocalPostgres {

    private static final String DEFAULT_HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 5432;
    private static final String DEFAULT_USER = "postgres";
    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final Driver DRIVER = new org.postgresql.Driver();

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    /**
     * @param password null for trust or peer authentication
     */
    public LocalPostgres(String host, int port, String user, String password) {
        this.host = Objects.requireNonNull(host, "host");
        this.user = Objects.requireNonNull(user, "user");
        if (host.startsWith("/")) {
            throw new IllegalArgumentException("PGHOST names a socket directory; JDBC needs a TCP host such as "
                    + DEFAULT_HOST);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("PostgreSQL port out of range: " + port);
        }
        this.port = port;
        this.password = password;
    }

    /** From {@code PGHOST}/{@code PGPORT}/{@code PGUSER}/{@code PGPASSWORD}; defaults 127.0.0.1, 5432, postgres. */
    public static LocalPostgres fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static LocalPostgres fromEnvironment(Map<String, String> env) {
        String port = nonBlank(env.get("PGPORT")).orElse(Integer.toString(DEFAULT_PORT));
        try {
            return new LocalPostgres(
                    nonBlank(env.get("PGHOST")).orElse(DEFAULT_HOST),
                    Integer.parseInt(port),
                    nonBlank(env.get("PGUSER")).orElse(DEFAULT_USER),
                    nonBlank(env.get("PGPASSWORD")).orElse(null));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PGPORT is not a number: " + port, e);
        }
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** Opens a connection to the named database of this server (the name is URL-encoded, so any name is safe). */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "backup-worker-local");
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8);
        // The driver directly, not DriverManager: a Quarkus test run that restarts the application
        // (another test profile) clears DriverManager's drivers, and the driver registers only once.
        return DRIVER.connect("jdbc:postgresql://" + host + ":" + port + "/" + encoded, props);
    }

    /** {@code user@host:port}, and whether a password is set, never the password itself. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + (password == null ? "" : " (password set)");
    }
}
