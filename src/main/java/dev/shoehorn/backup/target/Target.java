package dev.shoehorn.backup.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.shoehorn.backup.failure.Redactor;

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
    private final java.util.List<String> allowedSources;
    private final boolean backfill;
    private final boolean flushCache;
    private final Duration socketTimeout;
    private final Duration lockTimeout;
    private final boolean requireSignedCommands;
    private final String maintenanceDatabase;
    private final String schedule;
    private final String scheduleZone;
    private final TargetsConfig.Retention retention;
    private final Optional<Duration> overdueAfter;
    private final boolean rowCounts;
    private final TargetsConfig.Drill drill;
    private final dev.shoehorn.backup.codec.Compression compression;
    private final int compressionWorkers;
    private final String format;
    private final int dumpJobs;
    private final Optional<Boolean> encrypt;
    private final int restoreJobs;

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
        this.allowedSources = config.allowedSources().map(java.util.List::copyOf).orElse(java.util.List.of(name));
        this.backfill = config.backfill();
        this.flushCache = config.flushCache();
        this.socketTimeout = positive(name, "socket-timeout", config.socketTimeout());
        this.lockTimeout = positive(name, "lock-timeout", config.lockTimeout());
        this.requireSignedCommands = config.requireSignedCommands();
        this.maintenanceDatabase = config.maintenanceDatabase();
        this.schedule = config.schedule().strip();
        this.scheduleZone = config.scheduleZone().strip();
        this.retention = config.retention();
        this.overdueAfter = config.overdueAfter().map(d -> positive(name, "overdue-after", d));
        this.rowCounts = config.rowCounts();
        this.drill = config.drill();
        try {
            this.compression = dev.shoehorn.backup.codec.Compression.parse(config.dump().compression().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backup.targets." + name + ".dump.compression: " + e.getMessage());
        }
        this.compressionWorkers = atLeast(name, "dump.compression-workers", config.dump().compressionWorkers(), 0);
        this.format = config.dump().format().strip();
        if (!format.equals("custom") && !format.equals("directory")) {
            throw new IllegalArgumentException("backup.targets." + name + ".dump.format must be custom or directory");
        }
        this.dumpJobs = atLeast(name, "dump.jobs", config.dump().jobs(), 1);
        if (dumpJobs > 16) {
            throw new IllegalArgumentException("backup.targets." + name + ".dump.jobs must be at most 16");
        }
        this.encrypt = config.dump().encrypt();
        this.restoreJobs = atLeast(name, "restore-jobs", config.restoreJobs(), 1);
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
        this.allowedSources = other.allowedSources;
        this.backfill = other.backfill;
        this.flushCache = other.flushCache;
        this.socketTimeout = other.socketTimeout;
        this.lockTimeout = other.lockTimeout;
        this.requireSignedCommands = other.requireSignedCommands;
        this.maintenanceDatabase = other.maintenanceDatabase;
        this.schedule = other.schedule;
        this.scheduleZone = other.scheduleZone;
        this.retention = other.retention;
        this.overdueAfter = other.overdueAfter;
        this.rowCounts = other.rowCounts;
        this.drill = other.drill;
        this.compression = other.compression;
        this.compressionWorkers = other.compressionWorkers;
        this.format = other.format;
        this.dumpJobs = other.dumpJobs;
        this.encrypt = other.encrypt;
        this.restoreJobs = other.restoreJobs;
    }

    private static int atLeast(String name, String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("backup.targets." + name + "." + key + " must be at least " + min);
        }
        return value;
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

    /** Targets whose archives may be restored into this one (by default only its own). */
    public java.util.List<String> allowedSources() {
        return allowedSources;
    }

    /** Whether restores into this target trigger the backfill reaction. */
    public boolean backfill() {
        return backfill;
    }

    /** Whether restores into this target trigger the cache-flush reaction. */
    public boolean flushCache() {
        return flushCache;
    }

    /** Longest wait for the reply to one JDBC call. */
    Duration socketTimeout() {
        return socketTimeout;
    }

    /** Longest wait for a lock, of a JDBC session or a tool's. */
    Duration lockTimeout() {
        return lockTimeout;
    }

    private static Duration positive(String name, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("backup.targets." + name + "." + key + " must be positive");
        }
        return value;
    }

    /** Whether its commands must carry a valid bw-signature (see dev.shoehorn.backup.signing). */
    public boolean requireSignedCommands() {
        return requireSignedCommands;
    }

    /** The database of the same server for the worker's own sessions (lock, swaps). */
    public String maintenanceDatabase() {
        return maintenanceDatabase;
    }

    /** The backup schedule as configured: a cron expression or macro, or {@code off}. */
    public String schedule() {
        return schedule;
    }

    /** The time zone the schedule is read in. */
    public String scheduleZone() {
        return scheduleZone;
    }

    /** What retention keeps of the target's archives, as configured. */
    public TargetsConfig.Retention retention() {
        return retention;
    }

    /** How long after its last completed backup the target is overdue, when configured. */
    public Optional<Duration> overdueAfter() {
        return overdueAfter;
    }

    /** Whether backups count rows per table in the dump's snapshot. */
    /** How backups compress unless a command says otherwise. */
    public dev.shoehorn.backup.codec.Compression compression() {
        return compression;
    }

    /** pg_dump's format unless a command says otherwise: {@code custom} or {@code directory}. */
    public String format() {
        return format;
    }

    /** pg_dump's jobs in the directory format, unless a command says otherwise. */
    public int dumpJobs() {
        return dumpJobs;
    }

    public int compressionWorkers() {
        return compressionWorkers;
    }

    /** Whether archives are encrypted; empty: whenever the worker has a keyset. */
    public Optional<Boolean> encrypt() {
        return encrypt;
    }

    /** pg_restore's jobs in swap mode. */
    public int restoreJobs() {
        return restoreJobs;
    }

    public boolean rowCounts() {
        return rowCounts;
    }

    /** Restore drills of the target, as configured. */
    public TargetsConfig.Drill drill() {
        return drill;
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
