package dev.shoehorn.backup.restore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How restores run: their mode, the default of {@code postRestore.migrate}, and what a swap keeps.
 * Whether the reactions (backfill, cache flush) follow a restore is the target's own setting
 * ({@code backup.targets.<name>.backfill}, {@code .flush-cache}), never a global default.
 */
@ConfigMapping(prefix = "backup.restore")
public interface RestoreConfig {

    /** Run the target's migration command after the restore (when upgrading). */
    @WithDefault("false")
    boolean migrate();

    /** The mode of commands that do not name one: {@code single-transaction} or {@code swap}. */
    @WithDefault("single-transaction")
    RestoreMode mode();

    /** How long a swap keeps the displaced database ({@code <db>_before_<job>}) for a rollback; 0 drops it at once. */
    @WithDefault("24h")
    Duration keepBefore();

    /**
     * Where a parallel restore ({@code backup.targets.<name>.restore-jobs} above 1) decodes the archive
     * for pg_restore to read; default: the JVM's temporary directory. Needs room for the uncompressed dump.
     */
    Optional<Path> workDir();

    /** Time between two rounds of the sweeper that drops expired kept databases and leftovers of dead jobs. */
    @WithDefault("15m")
    Duration sweepInterval();
}
