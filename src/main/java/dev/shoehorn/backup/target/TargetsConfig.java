package dev.shoehorn.backup.target;

import java.nio.file.Path;
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
         * settings as libpq variables ({@code PGHOST}…, the password in {@code PGPASSFILE}).
         */
        Optional<java.util.List<String>> migrateCommand();

        /**
         * A database of the same server for the worker's own sessions: the per-target lock, and
         * creating, renaming and dropping databases in swap mode (which ends every session on the
         * target).
         */
        @WithDefault("postgres")
        String maintenanceDatabase();
    }
}
