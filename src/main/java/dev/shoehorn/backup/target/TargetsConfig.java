package dev.shoehorn.backup.target;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The databases that commands may name. A command carries only a target's name: where the
 * database is and how to log in stays here, in the worker's configuration.
 */
@ConfigMapping(prefix = "backup.targets")
public interface TargetsConfig {

    /** Targets by name; a name is a plain identifier ({@code [a-z][a-z0-9_-]*}, at most 63 characters). */
    @WithParentName
    Map<String, TargetConfig> all();

    interface TargetConfig {

        /** Host name or address of the PostgreSQL server. */
        String host();

        /** Port of the PostgreSQL server. */
        @WithDefault("5432")
        int port();

        /** Database name on that server. */
        String database();

        /** Role that connects; needs read access to everything it dumps. */
        String user();

        /** Password, usually from an environment variable ({@code ${SHOEHORN_DB_PASSWORD}}). */
        Optional<String> password();

        /** File holding the password (a mounted secret); wins over {@code password}. */
        Optional<Path> passwordFile();

        /** libpq sslmode for this server ({@code disable}, {@code require}, {@code verify-full}, …). */
        Optional<String> sslmode();

        /** A protected target is restored into only with {@code confirm} equal to its name. */
        @WithName("protected")
        @WithDefault("false")
        boolean isProtected();

        /** Whether restore commands may name this target. */
        @WithDefault("false")
        boolean restorable();

        /**
         * The migration command run after a restore with {@code postRestore.migrate}, as a list of
         * arguments (e.g. {@code shoehorn-api,--migrate-only}); it gets the target's connection
         * settings as libpq variables ({@code PGHOST}…, the password in {@code PGPASSFILE}) and of
         * the worker's environment only PATH, HOME, USER, LOGNAME, LANG, LANGUAGE, LC_*, TZ and TMPDIR.
         */
        Optional<java.util.List<String>> migrateCommand();

        /**
         * Targets whose archives may be restored into this one ({@code sourceTarget}); unset means
         * only its own. Each must be a configured target.
         */
        Optional<java.util.List<String>> allowedSources();

        /**
         * Whether restores into this target ask the search re-index (backfill) reaction to run;
         * a command can turn it off, never on. Off for scratch and staging databases, so that
         * restoring them never re-indexes production search.
         */
        @WithDefault("false")
        boolean backfill();

        /** Whether restores into this target ask the cache-flush reaction to run; as {@code backfill}. */
        @WithDefault("false")
        boolean flushCache();

        /**
         * Longest wait for the reply to one call of the worker's own sessions (pgjdbc
         * {@code socketTimeout}, whole seconds): a server that stops answering fails the job
         * instead of holding it until the job's timeout.
         */
        @WithDefault("1m")
        Duration socketTimeout();

        /**
         * Longest wait for a lock: {@code lock_timeout} of the worker's sessions and, through
         * {@code PGOPTIONS}, of the tools' and the migration command's; pg_dump and pg_restore reset
         * {@code lock_timeout}, so their statements are cancelled by the worker after this long.
         */
        @WithDefault("1m")
        Duration lockTimeout();

        /**
         * Whether commands naming this target must carry a valid {@code bw-signature} header of a
         * trusted key (docs/security.md); a missing or bad one is rejected with UNAUTHORIZED.
         */
        @WithDefault("false")
        boolean requireSignedCommands();

        /**
         * A database of the same server for the worker's own sessions: the per-target lock, and
         * creating, renaming and dropping databases in swap mode (which ends every session on the
         * target).
         */
        @WithDefault("postgres")
        String maintenanceDatabase();

        /**
         * When the worker backs this target up: a five-field cron expression (minute hour
         * day-of-month month day-of-week) or {@code @hourly}, {@code @daily}, {@code @weekly},
         * {@code @monthly}, {@code @yearly}, read in {@code schedule-zone}; {@code off} for none.
         * An invalid one stops start-up.
         */
        @WithDefault("0 2 * * *")
        String schedule();

        /** The IANA time zone of {@code schedule} ({@code Europe/Berlin}); daylight saving as in docs/operations.md. */
        @WithDefault("UTC")
        String scheduleZone();

        /**
         * How long after its last completed backup the target counts as overdue
         * ({@code backup.overdue}); default: the schedule's period plus {@code backup.overdue.grace}.
         * A target without a schedule is watched only when this is set.
         */
        Optional<Duration> overdueAfter();

        /**
         * Whether a backup counts the rows of every table in pg_dump's own snapshot and records them
         * in the manifest, for restore drills to check; costs a scan of each table while pg_dump runs.
         */
        @WithDefault("true")
        boolean rowCounts();

        /** How this target's archives are made (docs/performance.md explains the defaults). */
        Dump dump();

        /**
         * pg_restore's {@code --jobs} for swap-mode restores of directory-format archives (decoded into
         * {@code backup.restore.work-dir}, restored in parallel into the fresh database). Custom-format
         * archives always stream with one job, and restores over the target in one transaction too.
         */
        @WithDefault("1")
        int restoreJobs();

        /** What retention keeps of this target's archives (docs/operations.md, "Retention"). */
        Retention retention();

        /** Restore drills of this target's archives (docs/operations.md, "Restore drills"). */
        Drill drill();
    }

    /** Per target: when a drill restores the latest archive into a throwaway database, and what it checks. */
    interface Drill {

        /** When drills run, as cron (like {@code schedule}, e.g. {@code @weekly}); {@code off} for on demand only. */
        @WithDefault("off")
        String schedule();

        /** The IANA time zone of the drill schedule. */
        @WithDefault("UTC")
        String scheduleZone();

        /** The recovery-time objective: a drill whose restore takes longer fails its {@code rto} check. */
        @WithDefault("1h")
        Duration rto();

        /**
         * SQL probes by name, run on the restored database: each must return one row whose first
         * column is true ({@code drill.probes.tenants=select count(*) > 0 from tenants}).
         */
        Map<String, String> probes();
    }

    /** Per target: pg_dump's format and jobs, how its dumps are compressed, and whether they are encrypted. */
    interface Dump {

        /**
         * {@code custom} (one object, streamed as pg_dump writes it) or {@code directory}
         * ({@code pg_dump --format=directory --jobs}, each file uploaded as soon as pg_dump has
         * written it). A backup command's {@code options.format} overrides it.
         */
        @WithDefault("custom")
        String format();

        /** pg_dump's {@code --jobs} in the directory format (1 to 16); a command's {@code options.jobs} overrides it. */
        @WithDefault("2")
        int jobs();

        /**
         * {@code zstd[:level]} (pg_dump writes uncompressed, the worker compresses with zstd; the
         * archive ends {@code .dump.zst}), {@code native[:gzip|lz4|zstd][:level]} (pg_dump's own
         * compression; lz4 and zstd need pg_dump 16 or later) or {@code none}. A backup command's
         * {@code options.compression} overrides it.
         */
        @WithDefault("zstd:3")
        String compression();

        /** zstd's compression threads beside the thread that feeds it (0: none, compress on the feeding thread). */
        @WithDefault("2")
        int compressionWorkers();

        /**
         * Whether archives are encrypted with the primary key of {@code backup.encryption.keyset};
         * default: whenever a keyset is configured. True without a keyset stops start-up.
         */
        Optional<Boolean> encrypt();
    }

    /** Per target; only complete archives count, and the newest complete one is always kept. */
    interface Retention {

        /** The newest this many complete archives are kept, whatever their age (at least 1). */
        @WithDefault("3")
        int keepLast();

        /** Complete archives older than this are deleted unless another rule keeps them (the guide's 14 days). */
        @WithDefault("14d")
        Duration maxAge();

        /** The newest archive of each of the last this many days (UTC) that have one is kept. */
        @WithDefault("0")
        int keepDaily();

        /** The newest archive of each of the last this many ISO weeks that have one is kept. */
        @WithDefault("0")
        int keepWeekly();

        /** The newest archive of each of the last this many months that have one is kept. */
        @WithDefault("0")
        int keepMonthly();
    }
}
