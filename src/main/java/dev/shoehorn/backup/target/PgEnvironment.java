package dev.shoehorn.backup.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environment of a child (pg_dump, pg_restore, a migration command): connection settings as
 * libpq variables and the password in a private {@code .pgpass} file, so that neither the command
 * line (visible to every user through ps) nor the child's environment carries it. Of the worker's
 * own environment the child gets an allow-list only: the worker's is full of secrets (storage keys,
 * Kafka SASL settings, the Redis URL, tokens) that a tool has no use for and a migration command
 * could print.
 */
public final class PgEnvironment implements AutoCloseable {

    /** Where programs are, who and where the child runs, locale and time zone; {@code LC_*} too. */
    private static final Set<String> INHERITED = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ",
            "TMPDIR");

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Target target;
    private final String applicationName;
    private final Optional<Path> passFile;

    private PgEnvironment(Target target, String tool, Optional<Path> passFile) {
        this.target = target;
        // PostgreSQL cuts application_name at 63 characters and turns anything but ASCII into '?'
        String name = tool.replaceAll("[^A-Za-z0-9._-]", "_");
        this.applicationName = "backup-worker/" + name.substring(0, Math.min(name.length(), 40)) + "/"
                + HexFormat.of().toHexDigits(RANDOM.nextInt());
        this.passFile = passFile;
    }

    /**
     * Writes the target's password file, if it has a password, for a child running {@code tool};
     * close when the child has exited.
     */
    public static PgEnvironment forTarget(Target target, String tool) throws IOException {
        var password = target.password();
        if (password.isEmpty()) {
            return new PgEnvironment(target, tool, Optional.empty());
        }
        Path file = Files.createTempFile(PassFileDirectory.current(), "pgpass-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, escape(target.host()) + ":" + target.port() + ":*:" + escape(target.user()) + ":"
                + escape(password.get()) + "\n");
        return new PgEnvironment(target, tool, Optional.of(file));
    }

    /** The child's {@code application_name}, of this child alone: how its sessions are found on the server. */
    public String applicationName() {
        return applicationName;
    }

    /**
     * Reduces {@code env}, inherited from the worker, to the allow-list and adds the target's
     * settings; inherited libpq variables go too, as they would point the tool elsewhere.
     */
    public void apply(Map<String, String> env) {
        env.keySet().removeIf(name -> !INHERITED.contains(name) && !name.startsWith("LC_"));
        env.put("PGHOST", target.host());
        env.put("PGPORT", Integer.toString(target.port()));
        env.put("PGDATABASE", target.database());
        env.put("PGUSER", target.user());
        env.put("PGAPPNAME", applicationName);
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGOPTIONS", "-c lock_timeout=" + target.lockTimeout().toMillis());
        target.sslmode().ifPresent(mode -> env.put("PGSSLMODE", mode));
        passFile.ifPresent(file -> env.put("PGPASSFILE", file.toString()));
    }

    private static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    @Override
    public void close() throws IOException {
        if (passFile.isPresent()) {
            Files.deleteIfExists(passFile.get());
        }
    }
}
