package dev.shoehorn.backup.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.shoehorn.backup.job.Redactor;

/**
 * One database the worker may back up or restore, as configured. Holds the secret, so it has no
 * {@code toString} that could print it.
 */
public final class Target {

    /** What a target name may be: safe as an S3 key segment, a file name and a log value. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final String name;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final Optional<String> sslmode;
    private final Optional<String> password;
    private final Optional<Path> passwordFile;
    private final boolean isProtected;
    private final boolean restorable;
    private final java.util.List<String> migrateCommand;
    private final String maintenanceDatabase;

    public Target(String name, TargetsConfig.TargetConfig config) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("target name '" + name + "' is not a plain name " + NAME.pattern());
        }
        this.name = name;
        this.host = config.host();
        this.port = config.port();
        this.database = config.database();
        this.user = config.user();
        this.sslmode = config.sslmode();
        this.password = config.password().filter(p -> !p.isEmpty());
        this.passwordFile = config.passwordFile();
        this.isProtected = config.isProtected();
        this.restorable = config.restorable();
        this.migrateCommand = config.migrateCommand().map(java.util.List::copyOf).orElse(java.util.List.of());
        this.maintenanceDatabase = config.maintenanceDatabase();
        password.ifPresent(Redactor::registerSecret);
    }

    private Target(Target other, String database) {
        this.name = other.name;
        this.host = other.host;
        this.port = other.port;
        this.database = database;
        this.user = other.user;
        this.sslmode = other.sslmode;
        this.password = other.password;
        this.passwordFile = other.passwordFile;
        this.isProtected = other.isProtected;
        this.restorable = other.restorable;
        this.migrateCommand = other.migrateCommand;
        this.maintenanceDatabase = other.maintenanceDatabase;
    }

    /**
     * This target with another database of its server in place of its own, for the tools and
     * checks that work on a fresh database before it is swapped in.
     */
    public Target onDatabase(String otherDatabase) {
        return new Target(this, otherDatabase);
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public Optional<String> sslmode() {
        return sslmode;
    }

    public boolean isProtected() {
        return isProtected;
    }

    public boolean restorable() {
        return restorable;
    }

    /** The configured migration command; empty when none is configured. */
    public java.util.List<String> migrateCommand() {
        return migrateCommand;
    }

    /** The database of the same server for the worker's own sessions (lock, swaps). */
    public String maintenanceDatabase() {
        return maintenanceDatabase;
    }

    /** The password, read from its file on every use so that a rotated secret is picked up. */
    Optional<String> password() {
        if (passwordFile.isPresent()) {
            try {
                String secret = Files.readString(passwordFile.get()).strip();
                Redactor.registerSecret(secret);
                return Optional.of(secret);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the password file of target " + name, e);
            }
        }
        return password;
    }

    @Override
    public String toString() {
        return "Target[" + name + "]";
    }
}
